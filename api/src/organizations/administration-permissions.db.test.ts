import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { dataOf } from "../../test/support/graphql-results.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import {
  type GraphQLResponse,
  newCredentials,
  REGISTER,
  registerUser,
  type SignedIn,
  startTestApp,
  type TestApp,
} from "../../test/support/test-app.js";
import type { RequestIdentity } from "../db/request-identity.js";
import { identityStatement } from "../db/session-identity.js";

// Who may administer an organisation: its admins, over its own people and groups only. Members get
// FORBIDDEN for every admin field (also a member who operates the platform); an admin using another
// organisation's ids gets NOT_FOUND; and below the API, Postgres refuses a member's writes.
// Then the organisation's own settings: open registration, the default model and temperature.

const fake = useFakeProviderServer();
let app: TestApp;
let operator: SignedIn; // first account: platform operator, admin of the default organisation (A)
let memberA: SignedIn;
let adminB: SignedIn;
let memberB: SignedIn;
let operatingMemberB: SignedIn; // a member of B who also operates the platform
let orgA: string;
let orgB: string;
let groupA: string;
let groupB: string;

const codeOf = (result: GraphQLResponse) => result.errors?.[0]?.extensions?.code ?? "answered";

async function gqlData<Data = Record<string, unknown>>(
  by: SignedIn,
  query: string,
  variables: Record<string, unknown> = {},
) {
  return dataOf(await app.gql<Data>(query, variables, { token: by.accessToken }));
}

async function createGroup(by: SignedIn, name: string): Promise<string> {
  const data = await gqlData<{ createGroup: { id: string } }>(
    by,
    `mutation($name: String!) { createGroup(input: { name: $name }) { id } }`,
    { name },
  );
  return data.createGroup.id;
}

async function joinB(email: string, role: "ADMIN" | "MEMBER"): Promise<SignedIn> {
  const invitation = await gqlData<{ createInvitation: { token: string } }>(
    operator,
    `mutation($input: CreateInvitationInput!) { createInvitation(input: $input) { token } }`,
    { input: { email, role, organizationId: orgB } },
  );
  const registered = await app.gql<{ register: SignedIn }>(REGISTER, {
    input: { ...newCredentials("b"), email, invitationToken: invitation.createInvitation.token },
  });
  return dataOf(registered).register;
}

/** Ids an admin field is asked about: people and groups, and ones it may delete. */
interface Targets {
  user: string;
  doomedUser: string;
  group: string;
  doomedGroup: string;
}

/** Every admin field of the schema, asked with `targets`. */
function adminFields(targets: Targets): [string, string, Record<string, unknown>][] {
  return [
    ["adminUsers", `{ adminUsers { totalCount edges { node { id } } } }`, {}],
    ["groups", `{ groups { id } }`, {}],
    ["modelConfigs", `{ modelConfigs { modelId } }`, {}],
    ["providerConnections", `{ providerConnections { provider } }`, {}],
    ["organizationSettings", `{ organizationSettings { registrationOpen } }`, {}],
    [
      "updateUser",
      `mutation($id: ID!) { updateUser(id: $id, input: { isAdmin: true }) { id } }`,
      { id: targets.user },
    ],
    ["deleteUser", `mutation($id: ID!) { deleteUser(id: $id) { id } }`, { id: targets.doomedUser }],
    ["resetUserPassword", `mutation($id: ID!) { resetUserPassword(id: $id) { url } }`, { id: targets.user }],
    ["createGroup", `mutation { createGroup(input: { name: "Von wem?" }) { id } }`, {}],
    [
      "updateGroup",
      `mutation($id: ID!) { updateGroup(id: $id, input: { name: "Umbenannt" }) { id } }`,
      { id: targets.group },
    ],
    ["deleteGroup", `mutation($id: ID!) { deleteGroup(id: $id) }`, { id: targets.doomedGroup }],
    [
      "addGroupMembers",
      `mutation($g: ID!, $u: [ID!]!) { addGroupMembers(groupId: $g, userIds: $u) { id } }`,
      { g: targets.group, u: [targets.user] },
    ],
    [
      "removeGroupMembers",
      `mutation($g: ID!, $u: [ID!]!) { removeGroupMembers(groupId: $g, userIds: $u) { id } }`,
      { g: targets.group, u: [targets.user] },
    ],
    [
      "updateModelConfig",
      `mutation { updateModelConfig(modelId: "openai/gpt-5.1", input: { sortOrder: 7 }) { modelId } }`,
      {},
    ],
    [
      "setModelPrice",
      `mutation { setModelPrice(modelId: "openai/gpt-5.1", input: { inputPerMTokens: 1, outputPerMTokens: 2 }) { modelId } }`,
      {},
    ],
    ["syncProviderModels", `mutation { syncProviderModels(provider: "openai") { modelId } }`, {}],
    [
      "setProviderKey",
      `mutation { setProviderKey(provider: "mistral", input: { apiKey: "sk-test-secret-1234" }) { provider } }`,
      {},
    ],
    ["deleteProviderKey", `mutation { deleteProviderKey(provider: "mistral") { provider } }`, {}],
    ["testProviderKey", `mutation { testProviderKey(provider: "openai") { ok } }`, {}],
    [
      "updateOrganizationSettings",
      `mutation { updateOrganizationSettings(input: { registrationOpen: false }) { registrationOpen } }`,
      {},
    ],
  ];
}

/** The codes `viewer` gets for every field, by field. */
async function codesFor(viewer: SignedIn, fields: [string, string, Record<string, unknown>][]) {
  const codes: Record<string, string> = {};
  for (const [name, query, variables] of fields) {
    codes[name] = String(codeOf(await app.gql(query, variables, { token: viewer.accessToken })));
  }
  return codes;
}

const every = (fields: [string, ...unknown[]][], code: string) =>
  Object.fromEntries(fields.map(([name]) => [name, code]));

/** What administration changes in an organisation, read as the owner. */
async function administeredState(orgId: string) {
  const owner = app.database.owner;
  const [users, groups, members, configs, prices, connections, resets, organization] = await Promise.all([
    owner.user.findMany({
      where: { orgId },
      select: { id: true, isAdmin: true, isActive: true, deletedAt: true, tokenVersion: true },
      orderBy: { id: "asc" },
    }),
    owner.group.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    owner.groupMember.findMany({
      where: { orgId },
      select: { groupId: true, userId: true },
      orderBy: [{ groupId: "asc" }, { userId: "asc" }],
    }),
    owner.modelConfig.findMany({ where: { orgId }, orderBy: { modelId: "asc" } }),
    owner.modelPrice.count({ where: { orgId } }),
    owner.providerConnection.findMany({ where: { orgId }, orderBy: { provider: "asc" } }),
    owner.passwordReset.count({ where: { orgId } }),
    owner.organization.findUniqueOrThrow({ where: { id: orgId } }),
  ]);
  return JSON.stringify({ users, groups, members, configs, prices, connections, resets, organization });
}

// Statements as the API's runtime role with an identity, rolled back afterwards.

class Rollback extends Error {}

async function asRuntime(identity: RequestIdentity, text: string, values: unknown[] = []) {
  const statement = identityStatement(identity, true);
  let rows: unknown[] = [];
  await app.database.owner
    .$transaction(async (tx) => {
      await tx.$queryRawUnsafe(statement.text, ...statement.values);
      rows = (await tx.$queryRawUnsafe(text, ...values)) as unknown[];
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return rows;
}

/** The SQLSTATE Postgres refuses the statement with, or the rows it returned. */
async function outcome(identity: RequestIdentity, text: string, values: unknown[] = []) {
  try {
    return await asRuntime(identity, text, values);
  } catch (error) {
    const meta = (
      error as { meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string } } } }
    ).meta;
    return meta?.driverAdapterError?.cause?.originalCode ?? meta?.code ?? String(error);
  }
}

const identityOf = (user: SignedIn, orgId: string, orgAdmin: boolean): RequestIdentity => ({
  userId: user.user.id,
  orgId,
  orgAdmin,
  platformAdmin: false,
});

beforeAll(async () => {
  app = await startTestApp({ ...fakeProviderEnv(fake.server), PUBLIC_APP_URL: "https://chat.example.com" });
  operator = await registerUser(app, "operator");
  memberA = await registerUser(app, "membera");
  const created = await gqlData<{ createOrganization: { id: string } }>(
    operator,
    `mutation { createOrganization(input: { name: "Beta GmbH", slug: "beta" }) { id } }`,
  );
  orgB = created.createOrganization.id;
  orgA = (await app.database.owner.user.findUniqueOrThrow({ where: { id: operator.user.id } })).orgId;
  adminB = await joinB("chefin@beta.example", "ADMIN");
  memberB = await joinB("mitarbeiter@beta.example", "MEMBER");
  operatingMemberB = await joinB("betreiber@beta.example", "MEMBER");
  await app.database.owner.user.update({
    where: { id: operatingMemberB.user.id },
    data: { isPlatformAdmin: true },
  });
  groupA = await createGroup(operator, "Gruppe A");
  groupB = await createGroup(adminB, "Gruppe B");
  await gqlData(
    operator,
    `mutation($g: ID!, $u: [ID!]!) { addGroupMembers(groupId: $g, userIds: $u) { id } }`,
    { g: groupA, u: [memberA.user.id] },
  );
});
afterAll(() => app?.close());

describe("administration permissions", () => {
  it("the member who operates the platform is one, as far as the API knows", async () => {
    const me = await gqlData<{ me: { isAdmin: boolean; isPlatformAdmin: boolean } }>(
      operatingMemberB,
      `{ me { isAdmin isPlatformAdmin } }`,
    );
    expect(me.me).toEqual({ isAdmin: false, isPlatformAdmin: true });
  });

  it("members get FORBIDDEN for every admin field, also one who operates the platform, and nothing changes", async () => {
    const doomedGroup = await createGroup(adminB, "Bleibt");
    const targets = { user: memberB.user.id, doomedUser: memberB.user.id, group: groupB, doomedGroup };
    const fields = adminFields(targets);
    const before = await administeredState(orgB);
    for (const viewer of [memberB, operatingMemberB]) {
      expect(await codesFor(viewer, fields)).toEqual(every(fields, "FORBIDDEN"));
    }
    // Also with another person of theirs as the target.
    const others = adminFields({ ...targets, user: adminB.user.id, doomedUser: adminB.user.id });
    expect(await codesFor(memberB, others)).toEqual(every(others, "FORBIDDEN"));
    expect(await administeredState(orgB)).toBe(before);
  });

  it("the organisation's admin may use every one of them (the same operations)", async () => {
    const person = await joinB("person@beta.example", "MEMBER");
    const leaving = await joinB("geht@beta.example", "MEMBER");
    const doomedGroup = await createGroup(adminB, "Geht auch");
    const fields = adminFields({
      user: person.user.id,
      doomedUser: leaving.user.id,
      group: groupB,
      doomedGroup,
    });
    expect(await codesFor(adminB, fields)).toEqual(every(fields, "answered"));
    const owner = app.database.owner;
    expect((await owner.user.findUniqueOrThrow({ where: { id: person.user.id } })).isAdmin).toBe(true);
    expect((await owner.user.findUniqueOrThrow({ where: { id: leaving.user.id } })).deletedAt).not.toBeNull();
    expect(await owner.group.count({ where: { id: doomedGroup } })).toBe(0);
    expect((await owner.organization.findUniqueOrThrow({ where: { id: orgB } })).registrationOpen).toBe(
      false,
    );
  });

  it("an admin using another organisation's people and groups gets NOT_FOUND, the operator included", async () => {
    const stateA = await administeredState(orgA);
    const stateB = await administeredState(orgB);
    const crossings: [SignedIn, Targets, string, string][] = [
      // [viewer, the other organisation's ids, a group of the viewer's own, a person of the viewer's own]
      [
        adminB,
        { user: memberA.user.id, doomedUser: memberA.user.id, group: groupA, doomedGroup: groupA },
        groupB,
        memberB.user.id,
      ],
      [
        operator,
        { user: memberB.user.id, doomedUser: memberB.user.id, group: groupB, doomedGroup: groupB },
        groupA,
        memberA.user.id,
      ],
    ];
    const crossing = [
      "updateUser",
      "deleteUser",
      "resetUserPassword",
      "updateGroup",
      "deleteGroup",
      "addGroupMembers",
      "removeGroupMembers",
    ];
    for (const [viewer, foreign, ownGroup, ownPerson] of crossings) {
      const fields = adminFields(foreign).filter(([name]) => crossing.includes(name));
      expect(await codesFor(viewer, fields)).toEqual(every(fields, "NOT_FOUND"));
      const mixed: [string, string, Record<string, unknown>][] = [
        [
          "add a foreign person to an own group",
          `mutation($g: ID!, $u: [ID!]!) { addGroupMembers(groupId: $g, userIds: $u) { id } }`,
          { g: ownGroup, u: [foreign.user] },
        ],
        [
          "add an own person to a foreign group",
          `mutation($g: ID!, $u: [ID!]!) { addGroupMembers(groupId: $g, userIds: $u) { id } }`,
          { g: foreign.group, u: [ownPerson] },
        ],
        [
          "allow a model to a foreign group",
          `mutation($g: ID!) { updateModelConfig(modelId: "openai/gpt-5.1", input: { allowedGroupIds: [$g] }) { modelId } }`,
          { g: foreign.group },
        ],
      ];
      expect(await codesFor(viewer, mixed)).toEqual(every(mixed, "NOT_FOUND"));
      // The lists hold the viewer's own organisation only.
      const lists = JSON.stringify(
        await gqlData(
          viewer,
          `{ adminUsers(includeInactive: true) { edges { node { id groups { id } } } } groups { id members { id } } }`,
        ),
      );
      expect(lists).not.toContain(foreign.user);
      expect(lists).not.toContain(foreign.group);
    }
    expect(await administeredState(orgA)).toBe(stateA);
    expect(await administeredState(orgB)).toBe(stateB);
  });

  it("a member cannot raise their own role through the API", async () => {
    const self = memberB.user.id;
    const key = await gqlData<{ createApiKey: { secret: string } }>(
      memberB,
      `mutation { createApiKey(input: { name: "k" }) { secret } }`,
    );
    const attempts: [string, string, Record<string, unknown>][] = [
      [
        "updateUser self",
        `mutation($id: ID!) { updateUser(id: $id, input: { isAdmin: true }) { id } }`,
        { id: self },
      ],
      [
        "invite oneself as an admin",
        `mutation { createInvitation(input: { email: "ich-als-admin@beta.example", role: ADMIN }) { id } }`,
        {},
      ],
      [
        "invite into B as an operator would",
        `mutation($o: ID!) { createInvitation(input: { email: "x@beta.example", role: ADMIN, organizationId: $o }) { id } }`,
        { o: orgB },
      ],
    ];
    expect(await codesFor(memberB, attempts)).toEqual(every(attempts, "FORBIDDEN"));
    const withKey = await app.gql(attempts[0]![1], attempts[0]![2], { token: key.createApiKey.secret });
    expect(codeOf(withKey)).toBe("FORBIDDEN");
    const row = await app.database.owner.user.findUniqueOrThrow({ where: { id: self } });
    expect(row).toMatchObject({ isAdmin: false, isPlatformAdmin: false, orgId: orgB });
  });

  it("below the API, Postgres refuses a member's role changes and administrative writes", async () => {
    const member = identityOf(memberB, orgB, false);
    const admin = identityOf(adminB, orgB, true);
    const self = memberB.user.id;
    const refusals: Record<string, unknown> = {
      "raise own role": await outcome(member, `update app_users set is_admin = true where id = $1::uuid`, [
        self,
      ]),
      "operate the platform": await outcome(
        member,
        `update app_users set is_platform_admin = true where id = $1::uuid`,
        [self],
      ),
      "move to another organisation": await outcome(
        member,
        `update app_users set org_id = $2::uuid where id = $1::uuid`,
        [self, orgA],
      ),
      "insert a group": await outcome(
        member,
        `insert into app_groups (org_id, name) values ($1::uuid, 'Meine')`,
        [orgB],
      ),
      "join a group": await outcome(
        member,
        `insert into app_group_members (group_id, user_id, org_id) values ($1::uuid, $2::uuid, $3::uuid)`,
        [groupB, self, orgB],
      ),
      "store a provider key": await outcome(
        member,
        `insert into app_provider_connections (org_id, provider, base_url) values ($1::uuid, 'ollama', 'http://x')`,
        [orgB],
      ),
      "configure a model": await outcome(
        member,
        `insert into app_model_configs (org_id, model_id, is_free) values ($1::uuid, 'openai/gpt-5.1', true)`,
        [orgB],
      ),
      "set a price": await outcome(
        member,
        `insert into app_model_prices (org_id, model_id, input_per_mtok, cached_input_per_mtok, output_per_mtok)
         values ($1::uuid, 'openai/gpt-5.1', 0, 0, 0)`,
        [orgB],
      ),
      "end someone's access": await outcome(member, `select app_end_account_access($1::uuid, 'x')::text`, [
        adminB.user.id,
      ]),
      "erase someone's data": await outcome(member, `select app_erase_account_data($1::uuid)::text`, [
        adminB.user.id,
      ]),
    };
    expect(refusals).toEqual(Object.fromEntries(Object.keys(refusals).map((name) => [name, "42501"])));
    // Settings: the member's update finds no row to change.
    expect(
      await outcome(
        member,
        `update organizations set registration_open = false where id = $1::uuid returning id`,
        [orgB],
      ),
    ).toEqual([]);
    // The same writes as B's admin go through, but not into A.
    expect(
      await outcome(admin, `insert into app_groups (org_id, name) values ($1::uuid, 'Neu') returning name`, [
        orgB,
      ]),
    ).toEqual([{ name: "Neu" }]);
    expect(
      await outcome(
        admin,
        `insert into app_provider_connections (org_id, provider, base_url) values ($1::uuid, 'ollama', 'http://x') returning provider`,
        [orgB],
      ),
    ).toEqual([{ provider: "ollama" }]);
    expect(
      await outcome(admin, `insert into app_groups (org_id, name) values ($1::uuid, 'Fremd')`, [orgA]),
    ).toBe("42501");
    expect(
      await outcome(admin, `update organizations set is_active = false where id = $1::uuid returning id`, [
        orgB,
      ]),
    ).toBe("42501");
  });
});

describe("organisation settings", () => {
  const SETTINGS = `mutation($input: UpdateOrganizationSettingsInput!) {
    updateOrganizationSettings(input: $input) { defaultModel defaultTemperature registrationOpen } }`;

  const register = () => app.gql<{ register: SignedIn }>(REGISTER, { input: newCredentials("open") });

  it("closing registration on the default organisation refuses sign-ups without an invitation; opening it lets them in", async () => {
    try {
      const closed = await gqlData<{ updateOrganizationSettings: { registrationOpen: boolean } }>(
        operator,
        SETTINGS,
        { input: { registrationOpen: false } },
      );
      expect(closed.updateOrganizationSettings.registrationOpen).toBe(false);
      const refused = await register();
      expect(refused.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/^Registration is closed/),
        extensions: { code: "FORBIDDEN" },
      });
      // An invitation still works.
      const invitation = await gqlData<{ createInvitation: { token: string } }>(
        operator,
        `mutation { createInvitation(input: { email: "eingeladen@example.com" }) { token } }`,
      );
      const invited = await app.gql(REGISTER, {
        input: {
          ...newCredentials("invited"),
          email: "eingeladen@example.com",
          invitationToken: invitation.createInvitation.token,
        },
      });
      expect(invited.errors).toBeUndefined();
    } finally {
      await gqlData(operator, SETTINGS, { input: { registrationOpen: true } });
    }
    const opened = await gqlData<{ organizationSettings: { registrationOpen: boolean } }>(
      operator,
      `{ organizationSettings { registrationOpen } }`,
    );
    expect(opened.organizationSettings.registrationOpen).toBe(true);
    expect((await register()).errors).toBeUndefined();
  });

  it("another organisation closing its registration leaves open registration (into the default one) open", async () => {
    await gqlData(adminB, SETTINGS, { input: { registrationOpen: false } });
    const registered = await register();
    expect(registered.errors).toBeUndefined();
    const row = await app.database.owner.user.findUniqueOrThrow({
      where: { id: registered.data!.register.user.id },
    });
    expect(row.orgId).toBe(orgA);
  });

  it("the default model and temperature round trip, and new answers use them", async () => {
    const models = await gqlData<{
      modelConfigs: {
        modelId: string;
        enabled: boolean;
        isDefault: boolean;
        supportsTemperature: boolean;
        allowedGroups: unknown[];
      }[];
    }>(operator, `{ modelConfigs { modelId enabled isDefault supportsTemperature allowedGroups { id } } }`);
    const chosen = models.modelConfigs.find(
      (model) =>
        model.enabled && !model.isDefault && model.supportsTemperature && model.allowedGroups.length === 0,
    )!.modelId;
    try {
      const set = await gqlData(operator, SETTINGS, {
        input: { defaultModel: chosen, defaultTemperature: 0.4 },
      });
      expect(set).toEqual({
        updateOrganizationSettings: { defaultModel: chosen, defaultTemperature: 0.4, registrationOpen: true },
      });
      const read = await gqlData(operator, `{ organizationSettings { defaultModel defaultTemperature } }`);
      expect(read).toEqual({ organizationSettings: { defaultModel: chosen, defaultTemperature: 0.4 } });
      const defaults = await gqlData<{ modelConfigs: { modelId: string; isDefault: boolean }[] }>(
        operator,
        `{ modelConfigs { modelId isDefault } }`,
      );
      expect(defaults.modelConfigs.filter((model) => model.isDefault).map((model) => model.modelId)).toEqual([
        chosen,
      ]);
      const offered = await gqlData<{ models: { id: string; isDefault: boolean }[] }>(
        memberA,
        `{ models { id isDefault } }`,
      );
      expect(offered.models.filter((model) => model.isDefault).map((model) => model.id)).toEqual([chosen]);
      // A chat without a model of its own answers with the organisation's.
      fake.server.setScenario({ text: "Mit den Vorgaben", chunking: "words" });
      const chat = await createChat(app, memberA);
      const pair = await sendMessage(app, memberA, { chatId: chat.id, content: "Hallo" });
      expect(pair.assistantMessage.model).toBe(chosen);
      await waitForAnswer(app, memberA, chat.id, pair.assistantMessage.id);
      const asked = fake.server.requests.filter((request) => request.method === "POST");
      expect(asked.length).toBeGreaterThan(0);
      expect(JSON.stringify(asked[0]!.body)).toContain('"temperature":0.4');
      // Another organisation keeps the server's.
      const inB = await gqlData(adminB, `{ organizationSettings { defaultModel defaultTemperature } }`);
      expect(inB).toEqual({ organizationSettings: { defaultModel: null, defaultTemperature: null } });
    } finally {
      const reset = await gqlData(operator, SETTINGS, {
        input: { defaultModel: "", defaultTemperature: null },
      });
      expect(reset).toEqual({
        updateOrganizationSettings: { defaultModel: null, defaultTemperature: null, registrationOpen: true },
      });
    }
  });

  it("the default model must be a known model enabled for everyone, the temperature between 0 and 2", async () => {
    const models = await gqlData<{
      modelConfigs: { modelId: string; enabled: boolean; isDefault: boolean }[];
    }>(operator, `{ modelConfigs { modelId enabled isDefault } }`);
    const [disabled, restricted] = models.modelConfigs.filter((model) => model.enabled && !model.isDefault);
    const UPDATE_MODEL = `mutation($m: ID!, $input: UpdateModelConfigInput!) {
      updateModelConfig(modelId: $m, input: $input) { modelId } }`;
    await gqlData(operator, UPDATE_MODEL, { m: disabled!.modelId, input: { enabled: false } });
    await gqlData(operator, UPDATE_MODEL, { m: restricted!.modelId, input: { allowedGroupIds: [groupA] } });
    const before = await administeredState(orgA);
    try {
      const refusals = {
        disabled: await app.gql(
          SETTINGS,
          { input: { defaultModel: disabled!.modelId } },
          {
            token: operator.accessToken,
          },
        ),
        restricted: await app.gql(
          SETTINGS,
          { input: { defaultModel: restricted!.modelId } },
          {
            token: operator.accessToken,
          },
        ),
        unknown: await app.gql(
          SETTINGS,
          { input: { defaultModel: "openai/no-such-model" } },
          {
            token: operator.accessToken,
          },
        ),
        hot: await app.gql(SETTINGS, { input: { defaultTemperature: 2.5 } }, { token: operator.accessToken }),
        cold: await app.gql(
          SETTINGS,
          { input: { defaultTemperature: -0.1 } },
          { token: operator.accessToken },
        ),
      };
      expect(
        Object.fromEntries(Object.entries(refusals).map(([name, result]) => [name, codeOf(result)])),
      ).toEqual({
        disabled: "BAD_USER_INPUT",
        restricted: "BAD_USER_INPUT",
        unknown: "BAD_USER_INPUT",
        hot: "BAD_USER_INPUT",
        cold: "BAD_USER_INPUT",
      });
      expect(await administeredState(orgA)).toBe(before);
    } finally {
      await gqlData(operator, UPDATE_MODEL, { m: disabled!.modelId, input: { enabled: true } });
      await gqlData(operator, UPDATE_MODEL, { m: restricted!.modelId, input: { allowedGroupIds: [] } });
    }
  });
});

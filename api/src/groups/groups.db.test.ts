import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { codeOf, dataOf } from "../../test/support/graphql-results.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import {
  newCredentials,
  REGISTER,
  registerUser,
  type SignedIn,
  startTestApp,
  type TestApp,
} from "../../test/support/test-app.js";

// Groups of an organisation's people, managed by its admins: names unique regardless of case, members
// of their own organisation only, and a group that goes leaves its people (and closes the models only
// it could use).

const fake = useFakeProviderServer();
let app: TestApp;
let admin: SignedIn; // first account: admin of the default organisation
let otherOrgMember: SignedIn;

interface GroupView {
  id: string;
  name: string;
  description: string;
  memberCount: number;
  members: { id: string }[];
}

const GROUP_FIELDS = "id name description memberCount members { id }";
const CREATE = `mutation($input: CreateGroupInput!) { createGroup(input: $input) { ${GROUP_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { ${GROUP_FIELDS} } }`;
const ADD = `mutation($g: ID!, $u: [ID!]!) { addGroupMembers(groupId: $g, userIds: $u) { ${GROUP_FIELDS} } }`;
const REMOVE = `mutation($g: ID!, $u: [ID!]!) { removeGroupMembers(groupId: $g, userIds: $u) { ${GROUP_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteGroup(id: $id) }`;
const GROUPS = `{ groups { ${GROUP_FIELDS} } }`;

const as = (query: string, variables: Record<string, unknown> = {}) =>
  app.gql(query, variables, { token: admin.accessToken });

async function createGroup(name: string, description?: string): Promise<GroupView> {
  return dataOf(await as(CREATE, { input: { name, description } })).createGroup as GroupView;
}

async function groupsOf(user: SignedIn): Promise<string[]> {
  const result = await app.gql<{
    adminUsers: { edges: { node: { id: string; groups: { name: string }[] } }[] };
  }>(
    `query($s: String) { adminUsers(search: $s, includeInactive: true) { edges { node { id groups { name } } } } }`,
    { s: user.user.username },
    { token: admin.accessToken },
  );
  const node = dataOf(result).adminUsers.edges.find((edge) => edge.node.id === user.user.id)?.node;
  return node!.groups.map((group) => group.name);
}

const memberCountInDatabase = (groupId: string) =>
  app.database.owner.groupMember.count({ where: { groupId } });

beforeAll(async () => {
  app = await startTestApp(fakeProviderEnv(fake.server));
  admin = await registerUser(app, "admin");
  // Another organisation with one person in it.
  const created = await as(
    `mutation { createOrganization(input: { name: "Andere AG", slug: "andere" }) { id } }`,
  );
  const orgId = (dataOf(created).createOrganization as { id: string }).id;
  const invitation = dataOf(
    await as(`mutation($input: CreateInvitationInput!) { createInvitation(input: $input) { token } }`, {
      input: { email: "chef@andere.example", role: "ADMIN", organizationId: orgId },
    }),
  ).createInvitation as { token: string };
  otherOrgMember = dataOf(
    await app.gql<{ register: SignedIn }>(REGISTER, {
      input: { ...newCredentials("andere"), email: "chef@andere.example", invitationToken: invitation.token },
    }),
  ).register;
});
afterAll(() => app?.close());

describe("groups", () => {
  it("are created with a name unique regardless of case, and renamed under the same rule", async () => {
    const sales = await createGroup("Vertrieb", "Alle im Außendienst");
    expect(sales).toMatchObject({
      name: "Vertrieb",
      description: "Alle im Außendienst",
      memberCount: 0,
      members: [],
    });
    const duplicate = await as(CREATE, { input: { name: "VERTRIEB" } });
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "name" });
    const padded = await as(CREATE, { input: { name: "  vertrieb  " } });
    expect(codeOf(padded)).toBe("CONFLICT");

    const support = await createGroup("Support");
    expect(support.description).toBe("");
    const renamed = dataOf(
      await as(UPDATE, { id: support.id, input: { name: "Kundendienst", description: "Telefon" } }),
    ).updateGroup as GroupView;
    expect(renamed).toMatchObject({ id: support.id, name: "Kundendienst", description: "Telefon" });
    const onlyDescription = dataOf(await as(UPDATE, { id: support.id, input: { description: "E-Mail" } }))
      .updateGroup as GroupView;
    expect(onlyDescription).toMatchObject({ name: "Kundendienst", description: "E-Mail" });
    const taken = await as(UPDATE, { id: support.id, input: { name: "vertrieb" } });
    expect(codeOf(taken)).toBe("CONFLICT");
    // Renaming a group to its own name in another case is no conflict.
    const recased = dataOf(await as(UPDATE, { id: support.id, input: { name: "KUNDENDIENST" } }))
      .updateGroup as GroupView;
    expect(recased.name).toBe("KUNDENDIENST");
    expect(codeOf(await as(CREATE, { input: { name: "   " } }))).toBe("BAD_USER_INPUT");

    const listed = (dataOf(await as(GROUPS)).groups as GroupView[]).map((group) => group.name);
    expect(listed).toEqual(expect.arrayContaining(["KUNDENDIENST", "Vertrieb"]));
    expect(listed).toEqual([...listed].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it("gain and lose members, which their people see in their groups", async () => {
    const group = await createGroup("Einkauf");
    const [first, second, third] = [
      await registerUser(app, "buyer"),
      await registerUser(app, "buyer"),
      await registerUser(app, "buyer"),
    ] as [SignedIn, SignedIn, SignedIn];
    const added = dataOf(await as(ADD, { g: group.id, u: [first.user.id, second.user.id, first.user.id] }))
      .addGroupMembers as GroupView;
    expect(added.memberCount).toBe(2);
    expect(added.members.map((member) => member.id).sort()).toEqual([first.user.id, second.user.id].sort());
    // Adding someone twice changes nothing.
    const again = dataOf(await as(ADD, { g: group.id, u: [second.user.id] })).addGroupMembers as GroupView;
    expect(again.memberCount).toBe(2);
    expect(await groupsOf(first)).toEqual(["Einkauf"]);
    expect(await groupsOf(third)).toEqual([]);

    const removed = dataOf(await as(REMOVE, { g: group.id, u: [first.user.id, third.user.id] }))
      .removeGroupMembers as GroupView;
    expect(removed.memberCount).toBe(1);
    expect(removed.members.map((member) => member.id)).toEqual([second.user.id]);
    expect(await groupsOf(first)).toEqual([]);
    expect(await memberCountInDatabase(group.id)).toBe(1);

    // A deleted person leaves their groups.
    dataOf(await as(`mutation($id: ID!) { deleteUser(id: $id) { id } }`, { id: second.user.id }));
    const listed = (dataOf(await as(GROUPS)).groups as GroupView[]).find((entry) => entry.id === group.id);
    expect(listed).toMatchObject({ memberCount: 0, members: [] });
    // …and cannot be added again.
    expect(codeOf(await as(ADD, { g: group.id, u: [second.user.id] }))).toBe("NOT_FOUND");
  });

  it("take only people of their own organisation: any other id is NOT_FOUND and nobody is added", async () => {
    const group = await createGroup("Nur wir");
    const local = await registerUser(app, "local");
    for (const userIds of [
      [local.user.id, otherOrgMember.user.id],
      [otherOrgMember.user.id],
      ["not-a-uuid"],
    ]) {
      const refused = await as(ADD, { g: group.id, u: userIds });
      expect(codeOf(refused)).toBe("NOT_FOUND");
    }
    expect(await memberCountInDatabase(group.id)).toBe(0);
    expect(codeOf(await as(ADD, { g: "00000000-0000-4000-8000-000000000000", u: [local.user.id] }))).toBe(
      "NOT_FOUND",
    );
  });

  it("deleted, a group's people stay, and a model only it could use is switched off", async () => {
    const group = await createGroup("Forschung");
    const researcher = await registerUser(app, "researcher");
    dataOf(await as(ADD, { g: group.id, u: [researcher.user.id] }));
    const models = dataOf(await as(`{ modelConfigs { modelId enabled isDefault allowedGroups { id } } }`))
      .modelConfigs as { modelId: string; enabled: boolean; isDefault: boolean }[];
    const model = models.find((entry) => entry.enabled && !entry.isDefault)!;
    const restricted = await as(
      `mutation($m: ID!, $g: [ID!]) { updateModelConfig(modelId: $m, input: { allowedGroupIds: $g }) { enabled allowedGroups { id } } }`,
      { m: model.modelId, g: [group.id] },
    );
    expect(dataOf(restricted).updateModelConfig).toEqual({
      enabled: true,
      allowedGroups: [{ id: group.id }],
    });

    expect(dataOf(await as(DELETE, { id: group.id }))).toEqual({ deleteGroup: true });
    const listed = (dataOf(await as(GROUPS)).groups as GroupView[]).map((entry) => entry.id);
    expect(listed).not.toContain(group.id);
    expect(await groupsOf(researcher)).toEqual([]);
    const person = await app.database.owner.user.findUniqueOrThrow({ where: { id: researcher.user.id } });
    expect(person).toMatchObject({ isActive: true, deletedAt: null });
    const after = (
      dataOf(await as(`{ modelConfigs { modelId enabled allowedGroups { id } } }`)).modelConfigs as {
        modelId: string;
        enabled: boolean;
        allowedGroups: unknown[];
      }[]
    ).find((entry) => entry.modelId === model.modelId);
    expect(after).toEqual({ modelId: model.modelId, enabled: false, allowedGroups: [] });

    expect(codeOf(await as(DELETE, { id: group.id }))).toBe("NOT_FOUND");
    expect(codeOf(await as(UPDATE, { id: group.id, input: { name: "Wieder da" } }))).toBe("NOT_FOUND");
    expect(codeOf(await as(ADD, { g: group.id, u: [researcher.user.id] }))).toBe("NOT_FOUND");
  });
});

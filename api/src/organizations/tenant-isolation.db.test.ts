import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { followAnswer } from "../../test/support/subscribe.js";
import {
  newCredentials,
  REGISTER,
  registerUser,
  type SignedIn,
  startTestApp,
  type TestApp,
} from "../../test/support/test-app.js";
import { uploadDocument, waitForDocument } from "../../test/support/upload.js";

// Two organisations over GraphQL: the platform operator (first account) creates B and invites its
// first admin by link; B's people see nothing of A, and every id of B's rows is NOT_FOUND to A.

const fake = useFakeProviderServer();
let app: TestApp;
let operator: SignedIn; // first account: platform operator, admin of Default (A)
let memberA: SignedIn;
let adminB: SignedIn;
let orgB: { id: string; name: string };

const CREATE_INVITATION = `mutation($input: CreateInvitationInput!) {
  createInvitation(input: $input) { id email role token url status organization { id name } } }`;

async function registerWith(token: string, email: string) {
  const credentials = { ...newCredentials("invited"), email, invitationToken: token };
  return app.gql<{ register: SignedIn }>(REGISTER, { input: credentials });
}

async function invite(by: SignedIn, input: Record<string, unknown>) {
  const result = await app.gql<{ createInvitation: { id: string; token: string; url: string } }>(
    CREATE_INVITATION,
    { input },
    { token: by.accessToken },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.createInvitation;
}

beforeAll(async () => {
  app = await startTestApp({ ...fakeProviderEnv(fake.server), PUBLIC_APP_URL: "https://chat.example.com" });
  operator = await registerUser(app, "operator");
  memberA = await registerUser(app, "membera");
  const created = await app.gql<{ createOrganization: { id: string; name: string } }>(
    `mutation { createOrganization(input: { name: "Beta GmbH", slug: "beta" }) { id name } }`,
    {},
    { token: operator.accessToken },
  );
  orgB = created.data!.createOrganization;
  const invitation = await invite(operator, {
    email: "chefin@beta.example",
    role: "ADMIN",
    organizationId: orgB.id,
  });
  expect(invitation.url).toBe(`https://chat.example.com/#invitation=${invitation.token}`);
  const registered = await registerWith(invitation.token, "chefin@beta.example");
  if (!registered.data)
    throw new Error(`registration by invitation failed: ${JSON.stringify(registered.errors)}`);
  adminB = registered.data.register;
});
afterAll(() => app?.close());

describe("organisations", () => {
  it("the first account operates the platform; an invited first admin joins the new organisation", async () => {
    const me = `{ me { isAdmin isPlatformAdmin role organization { name slug memberCount } } }`;
    const operatorView = await app.gql(me, {}, { token: operator.accessToken });
    expect(operatorView.data).toEqual({
      me: {
        isAdmin: true,
        isPlatformAdmin: true,
        role: "ADMIN",
        organization: { name: "Default", slug: "default", memberCount: 2 },
      },
    });
    const adminView = await app.gql(me, {}, { token: adminB.accessToken });
    expect(adminView.data).toEqual({
      me: {
        isAdmin: true,
        isPlatformAdmin: false,
        role: "ADMIN",
        organization: { name: "Beta GmbH", slug: "beta", memberCount: 1 },
      },
    });
    const listed = await app.gql<{ organizations: { slug: string; memberCount: number }[] }>(
      `{ organizations { slug memberCount } }`,
      {},
      { token: operator.accessToken },
    );
    expect(listed.data?.organizations).toEqual([
      { slug: "default", memberCount: 2 },
      { slug: "beta", memberCount: 1 },
    ]);
    const refused = await app.gql(`{ organizations { id } }`, {}, { token: adminB.accessToken });
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("a new organisation has its own starter assistants and templates, and none of A's", async () => {
    const query = `{ assistants { id name isGlobal } templates { id name } }`;
    const inA = await app.gql<{ assistants: { id: string; name: string }[]; templates: { id: string }[] }>(
      query,
      {},
      { token: operator.accessToken },
    );
    const inB = await app.gql<{ assistants: { id: string; name: string }[]; templates: { id: string }[] }>(
      query,
      {},
      { token: adminB.accessToken },
    );
    expect(inB.data!.assistants.map((a) => a.name).sort()).toEqual(
      inA.data!.assistants.map((a) => a.name).sort(),
    );
    expect(inB.data!.assistants.length).toBe(8);
    const idsOfA = new Set([...inA.data!.assistants, ...inA.data!.templates].map((item) => item.id));
    expect([...inB.data!.assistants, ...inB.data!.templates].filter((item) => idsOfA.has(item.id))).toEqual(
      [],
    );
  });

  it("every query, mutation and subscription of a user of A with ids of B is NOT_FOUND", async () => {
    const token = adminB.accessToken;
    const assistant = await app.gql<{ createAssistant: { id: string } }>(
      `mutation { createAssistant(input: { name: "Nur Beta", systemPrompt: "p", isGlobal: true }) { id } }`,
      {},
      { token },
    );
    const template = await app.gql<{ createTemplate: { id: string } }>(
      `mutation { createTemplate(input: { name: "Beta-Vorlage", content: "c", isGlobal: true }) { id } }`,
      {},
      { token },
    );
    const key = await app.gql<{ createApiKey: { apiKey: { id: string } } }>(
      `mutation { createApiKey(input: { name: "beta" }) { apiKey { id } } }`,
      {},
      { token },
    );
    const chat = await createChat(app, adminB, { title: "Geheim bei Beta" });
    const pair = await sendMessage(app, adminB, { chatId: chat.id, content: "Betriebsgeheimnis" });
    await waitForAnswer(app, adminB, chat.id, pair.assistantMessage.id);
    const invitation = await invite(adminB, { email: "neu@beta.example" });
    const ids = {
      chat: chat.id,
      message: pair.assistantMessage.id,
      assistant: assistant.data!.createAssistant.id,
      template: template.data!.createTemplate.id,
      key: key.data!.createApiKey.apiKey.id,
      invitation: invitation.id,
      org: orgB.id,
    };
    const probes: [string, string, Record<string, unknown>][] = [
      ["chat", `query($id: ID!) { chat(id: $id) { id } }`, { id: ids.chat }],
      ["assistant", `query($id: ID!) { assistant(id: $id) { id } }`, { id: ids.assistant }],
      ["template", `query($id: ID!) { template(id: $id) { id } }`, { id: ids.template }],
      ["renderTemplate", `query($id: ID!) { renderTemplate(id: $id, values: {}) }`, { id: ids.template }],
      [
        "updateChat",
        `mutation($id: ID!) { updateChat(id: $id, input: { title: "x" }) { id } }`,
        { id: ids.chat },
      ],
      ["deleteChat", `mutation($id: ID!) { deleteChat(id: $id) }`, { id: ids.chat }],
      [
        "sendMessage",
        `mutation($id: ID!) { sendMessage(input: { chatId: $id, content: "x" }) { userMessage { id } } }`,
        { id: ids.chat },
      ],
      [
        "regenerateMessage",
        `mutation($id: ID!) { regenerateMessage(messageId: $id) { id } }`,
        { id: ids.message },
      ],
      [
        "editMessage",
        `mutation($id: ID!) { editMessage(messageId: $id, content: "x") { userMessage { id } } }`,
        { id: ids.message },
      ],
      ["stopGeneration", `mutation($id: ID!) { stopGeneration(messageId: $id) { id } }`, { id: ids.message }],
      [
        "updateAssistant",
        `mutation($id: ID!) { updateAssistant(id: $id, input: { name: "x" }) { id } }`,
        { id: ids.assistant },
      ],
      ["deleteAssistant", `mutation($id: ID!) { deleteAssistant(id: $id) }`, { id: ids.assistant }],
      [
        "updateTemplate",
        `mutation($id: ID!) { updateTemplate(id: $id, input: { name: "x" }) { id } }`,
        { id: ids.template },
      ],
      ["deleteTemplate", `mutation($id: ID!) { deleteTemplate(id: $id) }`, { id: ids.template }],
      [
        "createChat with B's assistant",
        `mutation($id: ID!) { createChat(input: { assistantId: $id }) { id } }`,
        { id: ids.assistant },
      ],
      ["revokeApiKey", `mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: ids.key }],
      ["revokeInvitation", `mutation($id: ID!) { revokeInvitation(id: $id) { id } }`, { id: ids.invitation }],
    ];
    // A member of A, and A's admin who operates the platform (who still reads no tenant's content).
    for (const viewer of [memberA, operator]) {
      const codes: Record<string, unknown> = {};
      for (const [name, query, variables] of probes) {
        if (name === "revokeInvitation" && viewer === memberA) continue; // members may not revoke at all
        const result = await app.gql(query, variables, { token: viewer.accessToken });
        codes[name] = result.errors?.[0]?.extensions?.code ?? "answered";
      }
      expect(codes).toEqual(Object.fromEntries(Object.keys(codes).map((name) => [name, "NOT_FOUND"])));
      const stream = await followAnswer(app.url, viewer.accessToken, ids.message).catch(
        (error: Error) => error,
      );
      expect(JSON.stringify(stream)).toContain("NOT_FOUND");
      const lists = await app.gql<Record<string, { id: string }[] | { edges: unknown[] }>>(
        `{ chats { edges { node { id } } } assistants { id } templates { id } apiKeys { id } }`,
        {},
        { token: viewer.accessToken },
      );
      const listed = JSON.stringify(lists.data);
      for (const id of Object.values(ids)) expect(listed).not.toContain(id);
    }
    // B's rows are all still there for B.
    const mine = await app.gql(`query($id: ID!) { chat(id: $id) { title } }`, { id: ids.chat }, { token });
    expect(mine.data).toEqual({ chat: { title: "Geheim bei Beta" } });
    // Usage: A's admin sees A's costs only.
    const usageA = await app.gql<{ usage: { requests: number } }>(
      `{ usage { requests } }`,
      {},
      {
        token: operator.accessToken,
      },
    );
    const usageB = await app.gql<{ usage: { requests: number } }>(`{ usage { requests } }`, {}, { token });
    expect(usageB.data!.usage.requests).toBeGreaterThan(0);
    expect(usageA.data!.usage.requests).toBe(0);
  });
});

describe("documents across organisations", () => {
  it("another organisation's admin cannot see, search, download or cite a member's document", async () => {
    const uploaded = await uploadDocument(
      app,
      memberA.accessToken,
      { name: "geheim.md", content: "# Vertraulich\n\nDer Tresorcode der Alpha GmbH lautet 8842." },
      { scope: "LIBRARY" },
    );
    const id = uploaded.data!.uploadDocument.id;
    expect((await waitForDocument(app, memberA.accessToken, id)).status).toBe("READY");
    const token = adminB.accessToken;
    const seen = await app.gql(`query($id: ID!) { document(id: $id) { id } }`, { id }, { token });
    expect(seen.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const found = await app.gql<{ searchDocuments: unknown[] }>(
      `{ searchDocuments(query: "Tresorcode Alpha") { text } }`,
      {},
      { token },
    );
    expect(found.data?.searchDocuments).toEqual([]);
    const download = await fetch(`${app.url}/documents/${id}/file`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(download.status).toBe(404);
    const chat = await createChat(app, adminB, { model: "openai/gpt-4.1-mini" });
    const sent = await sendMessage(app, adminB, {
      chatId: chat.id,
      content: "Wie lautet der Tresorcode?",
      useLibrary: true,
    });
    await waitForAnswer(app, adminB, chat.id, sent.assistantMessage.id);
    // The answers' calls (the document's own summary, in A, uses the cheap model and holds the text).
    const answers = fake.server.requests.filter(
      (request) => (request.body as { model?: string } | undefined)?.model === "gpt-4.1-mini",
    );
    expect(JSON.stringify(answers.at(-1)?.body)).toContain("Wie lautet der Tresorcode?");
    expect(JSON.stringify(answers.map((request) => request.body))).not.toContain("8842");
  });
});

describe("invitations", () => {
  it("are used once, expire, can be withdrawn, and name one e-mail address", async () => {
    const used = await invite(adminB, { email: "einmal@beta.example" });
    expect((await registerWith(used.token, "einmal@beta.example")).data?.register).toBeTruthy();
    const again = await registerWith(used.token, "zweimal@beta.example");
    expect(again.errors?.[0]).toMatchObject({
      message: "This invitation has already been used",
      extensions: { code: "BAD_USER_INPUT", field: "invitationToken" },
    });

    const other = await invite(adminB, { email: "richtig@beta.example" });
    expect((await registerWith(other.token, "falsch@beta.example")).errors?.[0]?.message).toBe(
      "This invitation is for another e-mail address",
    );

    const withdrawn = await invite(adminB, { email: "zurueck@beta.example" });
    await app.gql(
      `mutation($id: ID!) { revokeInvitation(id: $id) { id } }`,
      { id: withdrawn.id },
      {
        token: adminB.accessToken,
      },
    );
    expect((await registerWith(withdrawn.token, "zurueck@beta.example")).errors?.[0]?.message).toBe(
      "This invitation was withdrawn",
    );

    const expired = await invite(adminB, { email: "spaet@beta.example" });
    await app.database.owner.invitation.update({
      where: { id: expired.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await registerWith(expired.token, "spaet@beta.example")).errors?.[0]?.message).toBe(
      "This invitation has expired; ask for a new one",
    );
    expect((await registerWith("no-such-token", "x@beta.example")).errors?.[0]?.message).toBe(
      "This invitation link is not valid",
    );
    const preview = await app.gql(
      `query($t: String!) { invitationPreview(token: $t) { email organizationName status role } }`,
      {
        t: withdrawn.token,
      },
    );
    expect(preview.data).toEqual({
      invitationPreview: {
        email: "zurueck@beta.example",
        organizationName: "Beta GmbH",
        status: "REVOKED",
        role: "MEMBER",
      },
    });
  });

  it("members cannot invite, and an admin cannot invite into another organisation", async () => {
    const byMember = await app.gql(
      CREATE_INVITATION,
      { input: { email: "x@example.com" } },
      { token: memberA.accessToken },
    );
    expect(byMember.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const elsewhere = await app.gql(
      CREATE_INVITATION,
      { input: { email: "x@example.com", organizationId: orgB.id } },
      { token: memberA.accessToken },
    );
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("a deactivated organisation's people cannot sign in, refresh, or use tokens and API keys, and their open answer streams end", async () => {
    const person = await invite(adminB, { email: "bald-weg@beta.example" });
    const registered = (await registerWith(person.token, "bald-weg@beta.example")).data!.register;
    const key = await app.gql<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(input: { name: "k" }) { secret } }`,
      {},
      { token: registered.accessToken },
    );
    const secret = key.data!.createApiKey.secret;
    // An answer streaming to them while it happens.
    fake.server.setScenario({
      text: Array.from({ length: 3_000 }, (_, index) => `w${index}`).join(" "),
      delayMs: 10,
    });
    const chat = await createChat(app, registered);
    const pair = await sendMessage(app, registered, { chatId: chat.id, content: "Lang" });
    let started!: () => void;
    const firstDelta = new Promise<void>((resolve) => {
      started = resolve;
    });
    const followed = followAnswer(app.url, registered.accessToken, pair.assistantMessage.id, {
      stopAfter: (events) => {
        if (events.length > 0) started();
        return false;
      },
    });
    await firstDelta;
    const off = await app.gql(
      `mutation($id: ID!) { updateOrganization(id: $id, input: { isActive: false }) { isActive } }`,
      { id: orgB.id },
      { token: operator.accessToken },
    );
    expect(off.data).toEqual({ updateOrganization: { isActive: false } });
    const offAt = Date.now();
    const ended = await followed;
    expect(Date.now() - offAt).toBeLessThan(1_500);
    expect(JSON.stringify(ended.errors)).toContain("UNAUTHENTICATED");
    try {
      for (const token of [registered.accessToken, secret]) {
        const me = await app.gql(`{ me { id } }`, {}, { token });
        expect(me.errors?.[0]).toMatchObject({
          message: "This organisation is deactivated",
          extensions: { code: "UNAUTHENTICATED", reason: "ORGANIZATION_INACTIVE" },
        });
      }
      const refreshed = await app.gql(
        `mutation($t: String) { refreshToken(refreshToken: $t) { accessToken } }`,
        {
          t: registered.refreshToken,
        },
      );
      expect(refreshed.errors?.[0]?.message).toBe("This organisation is deactivated");
      const invited = await registerWith(
        (await invite(operator, { email: "spaeter@beta.example", organizationId: orgB.id })).token,
        "spaeter@beta.example",
      );
      expect(invited.errors?.[0]?.message).toBe("This organisation is deactivated");
    } finally {
      await app.gql(
        `mutation($id: ID!) { updateOrganization(id: $id, input: { isActive: true }) { isActive } }`,
        { id: orgB.id },
        { token: operator.accessToken },
      );
    }
  });
});

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREATE_CHAT, createChat } from "../../test/support/chat-client.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

let app: TestApp;
let owner: SignedIn;
let other: SignedIn;

beforeAll(async () => {
  app = await startTestApp();
  owner = await registerUser(app, "offline_owner");
  other = await registerUser(app, "offline_other");
});
afterAll(() => app?.close());

const create = (user: SignedIn, input: Record<string, unknown>) =>
  app.gql<{ createChat: { id: string; title: string } }>(CREATE_CHAT, { input }, { token: user.accessToken });

const chatCount = async (id: string) => app.database.owner.chat.count({ where: { id } });

// A chat started offline gets its id on the phone; the outbox may send createChat more than once.
describe("createChat with a client-chosen id", () => {
  it("creates the chat under that id, and a repeat returns it unchanged", async () => {
    const id = randomUUID();
    const first = await createChat(app, owner, { id, title: "Reiseplanung" });
    expect(first).toMatchObject({ id, title: "Reiseplanung" });
    const again = await createChat(app, owner, { id, title: "Anderer Titel" });
    expect(again).toEqual(first);
    expect(await chatCount(id)).toBe(1);
  });

  it("creates one chat when the same id arrives twice at once", async () => {
    const id = randomUUID();
    const results = await Promise.all([create(owner, { id }), create(owner, { id })]);
    expect(results.map((result) => result.errors)).toEqual([undefined, undefined]);
    expect(results.map((result) => result.data?.createChat.id)).toEqual([id, id]);
    expect(await chatCount(id)).toBe(1);
  });

  it("refuses an id of another user's chat (CONFLICT) and an id that is no UUID", async () => {
    const { id } = await createChat(app, owner, { id: randomUUID() });
    const taken = await create(other, { id });
    expect(taken.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    const chat = await app.database.owner.chat.findUniqueOrThrow({ where: { id } });
    expect(chat.userId).toBe(owner.user.id);

    const invalid = await create(owner, { id: "not-a-uuid" });
    expect(invalid.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
  });
});

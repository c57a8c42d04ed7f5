import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChat } from "../../test/support/chat-client.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

// Input no resolver can use answers BAD_USER_INPUT with a sentence — never INTERNAL, and nothing of it
// reaches Postgres.

let app: TestApp;
let user: SignedIn;
let chatId: string;

beforeAll(async () => {
  app = await startTestApp();
  user = await registerUser(app, "careless");
  chatId = (await createChat(app, user, { title: "Rezepte 100% vegan_" })).id;
});
afterAll(() => app?.close());

const NUL = String.fromCharCode(0);
const LONE_SURROGATE = "\ud800";
const gql = (query: string, variables: Record<string, unknown> = {}) =>
  app.gql(query, variables, { token: user.accessToken });
const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;
const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("bad input", () => {
  it("text with NUL or half a character is refused wherever it is sent", async () => {
    for (const broken of [`a${NUL}b`, `a${LONE_SURROGATE}b`]) {
      const attempts = [
        gql(`mutation($t: String) { createChat(input: { title: $t }) { id } }`, { t: broken }),
        gql(
          `mutation($id: ID!, $c: String!) { sendMessage(input: { chatId: $id, content: $c }) { userMessage { id } } }`,
          {
            id: chatId,
            c: broken,
          },
        ),
        gql(`mutation($n: String!) { createAssistant(input: { name: $n, systemPrompt: "x" }) { id } }`, {
          n: broken,
        }),
        gql(`mutation($c: String!) { createTemplate(input: { name: "t", content: $c }) { id } }`, {
          c: broken,
        }),
        gql(`query($q: String) { chats(search: $q) { edges { node { id } } } }`, { q: broken }),
      ];
      for (const result of await Promise.all(attempts)) {
        expect(codeOf(result), JSON.stringify(result.errors)).toBe("BAD_USER_INPUT");
        expect(result.errors?.[0]?.message).toMatch(/NUL|Unicode/);
      }
      // Inline in the operation, not in a variable (GraphQL's own parser refuses half a character).
      const inline = await gql(`mutation { createChat(input: { title: ${JSON.stringify(broken)} }) { id } }`);
      expect(["BAD_USER_INPUT", "GRAPHQL_PARSE_FAILED"]).toContain(codeOf(inline));
    }
  });

  it("a one-line text with a line break or another control character is refused; a message may have them", async () => {
    const title = await gql(`mutation($t: String) { createChat(input: { title: $t }) { id } }`, {
      t: "a\u0007b",
    });
    expect(codeOf(title)).toBe("BAD_USER_INPUT");
    const name = await gql(
      `mutation { createAssistant(input: { name: "a\\nb", systemPrompt: "x" }) { id } }`,
    );
    expect(codeOf(name)).toBe("BAD_USER_INPUT");
    // Pasted terminal output keeps its tabs, line breaks and escape codes.
    const message = await gql(
      `mutation($id: ID!, $c: String!) { sendMessage(input: { chatId: $id, content: $c }) { userMessage { content } } }`,
      { id: chatId, c: "Fehler:\n\t\u001b[31mrot\u001b[0m" },
    );
    expect(message.errors).toBeUndefined();
  });

  it("forged pagination cursors are refused", async () => {
    for (const forged of [b64("GPC:S:not-a-uuid"), b64("GPC:N:5"), b64("xyz"), "!!!"]) {
      const list = await gql(`query($a: String) { chats(first: 2, after: $a) { edges { node { id } } } }`, {
        a: forged,
      });
      expect(codeOf(list), forged).toBe("BAD_USER_INPUT");
      const page = await gql(
        `query($id: ID!, $a: String) { chat(id: $id) { messages(last: 2, before: $a) { edges { node { id } } } } }`,
        { id: chatId, a: forged },
      );
      expect(codeOf(page), forged).toBe("BAD_USER_INPUT");
    }
  });

  it("an empty model id is refused like any unknown one", async () => {
    const before = await app.database.owner.message.count({ where: { chatId } });
    const result = await gql(
      `mutation($id: ID!) { sendMessage(input: { chatId: $id, content: "Hallo", model: "" }) { userMessage { id } } }`,
      { id: chatId },
    );
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
    expect(codeOf(await gql(`mutation { createChat(input: { model: "" }) { id } }`))).toBe("BAD_USER_INPUT");
    expect(await app.database.owner.message.count({ where: { chatId } })).toBe(before);
  });

  it("% and _ in a chat search are characters to find, not wildcards", async () => {
    await createChat(app, user, { title: "Reisen" });
    const search = async (term: string) =>
      (
        (await gql(`query($q: String) { chats(search: $q) { edges { node { title } } } }`, { q: term })) as {
          data?: { chats: { edges: { node: { title: string } }[] } };
        }
      ).data?.chats.edges.map((edge) => edge.node.title);
    expect(await search("%")).toEqual(["Rezepte 100% vegan_"]);
    expect(await search("_")).toEqual(["Rezepte 100% vegan_"]);
    expect(await search("R%n")).toEqual([]);
  });
});

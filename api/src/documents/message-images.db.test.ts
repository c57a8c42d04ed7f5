import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { buildPdf, readFixture } from "../../test/fixtures/documents/build-documents.js";
import { buildPng } from "../../test/fixtures/documents/png.js";
import { createChat, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { uploadDocument, waitForDocument } from "../../test/support/upload.js";

// Images sent with a message: inline to a model that reads images, in each provider's own shape (the fake
// provider answers "(I see 1 image.)" only for a well-formed one in the last user turn); as the text OCR
// recognised in them to one that does not, with the answer saying so.

const fake = useFakeProviderServer();
let app: TestApp;
let owner: SignedIn;
let other: SignedIn;
const scan = readFixture("german-scan.png");

beforeAll(async () => {
  app = await startTestApp(fakeProviderEnv(fake.server));
  owner = await registerUser(app, "img_owner");
  other = await registerUser(app, "img_other");
}, 60_000);
afterAll(() => app?.close());
beforeEach(() => {
  fake.server.reset();
});

async function upload(user: SignedIn, chatId: string, name = "scan.png", content: Uint8Array = scan) {
  const uploaded = await uploadDocument(app, user.accessToken, { name, content }, { scope: "CHAT", chatId });
  if (!uploaded.data) throw new Error(JSON.stringify(uploaded.errors));
  return uploaded.data.uploadDocument.id;
}

/** The last chat call the fake provider received for this provider model. */
function chatCall(providerModel: string) {
  const call = fake.server.requests
    .filter((request) => request.method === "POST")
    .findLast(
      (request) =>
        (request.body as { model?: string } | undefined)?.model === providerModel ||
        request.path.includes(`/${providerModel}:`),
    );
  if (!call) throw new Error(`no call for ${providerModel}`);
  return call.body as Record<string, unknown>;
}

const ATTACHMENTS = /* GraphQL */ `
  query ($id: ID!) {
    chat(id: $id) { messages(last: 20) { edges { node { id role imagesAsText attachments { id filename mimeType } } } } }
  }
`;
interface WithAttachments {
  id: string;
  role: string;
  imagesAsText: boolean;
  attachments: { id: string; filename: string; mimeType: string }[];
}
async function messagesOf(user: SignedIn, chatId: string) {
  const result = await app.gql<{ chat: { messages: { edges: { node: WithAttachments }[] } } }>(
    ATTACHMENTS,
    { id: chatId },
    { token: user.accessToken },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.chat.messages.edges.map((edge) => edge.node);
}

async function ask(user: SignedIn, chatId: string, content: string, model: string, attachmentIds?: string[]) {
  const sent = await sendMessage(app, user, { chatId, content, model, attachmentIds });
  const answer = await waitForAnswer(app, user, chatId, sent.assistantMessage.id, 60_000);
  return { sent, answer };
}

describe("images sent with a message", () => {
  it("reach OpenAI, Anthropic and Gemini models inline in each one's shape, with every later turn", async () => {
    const chat = await createChat(app, owner);
    const imageId = await upload(owner, chat.id);
    const base64 = Buffer.from(scan).toString("base64");

    const openai = await ask(owner, chat.id, "Was steht auf dem Foto?", "openai/gpt-4.1-mini", [imageId]);
    expect(openai.answer.status).toBe("COMPLETE");
    expect(openai.answer.content).toContain("(I see 1 image.)");
    const openaiTurns = chatCall("gpt-4.1-mini").messages as { role: string; content: unknown }[];
    expect(openaiTurns.at(-1)?.content).toEqual([
      { type: "image_url", image_url: { url: `data:image/png;base64,${base64}` } },
      { type: "text", text: "Was steht auf dem Foto?" },
    ]);

    // The same chat goes on with another provider: the earlier turn keeps its image.
    const anthropic = await ask(owner, chat.id, "Und jetzt?", "anthropic/claude-haiku-4-5", [imageId]);
    expect(anthropic.answer.content).toContain("(I see 1 image.)");
    const anthropicTurns = chatCall("claude-haiku-4-5").messages as { role: string; content: unknown }[];
    expect(anthropicTurns[0]?.content).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/png", data: base64 } },
      { type: "text", text: "Was steht auf dem Foto?" },
    ]);

    const gemini = await ask(owner, chat.id, "Noch einmal, ohne Bild", "google/gemini-2.5-flash");
    expect(gemini.answer.content).not.toContain("I see");
    const contents = chatCall("gemini-2.5-flash").contents as { role: string; parts: unknown[] }[];
    expect(contents[0]?.parts).toEqual([
      { inlineData: { mimeType: "image/png", data: base64 } },
      { text: "Was steht auf dem Foto?" },
    ]);
    expect(contents.at(-1)?.parts).toEqual([{ text: "Noch einmal, ohne Bild" }]);

    const messages = await messagesOf(owner, chat.id);
    const questions = messages.filter((message) => message.role === "USER");
    expect(questions.map((message) => message.attachments.map((image) => image.id))).toEqual([
      [imageId],
      [imageId],
      [],
    ]);
    expect(questions[0]?.attachments[0]).toMatchObject({ filename: "scan.png", mimeType: "image/png" });
    expect(
      messages.filter((message) => message.role === "ASSISTANT").every((answer) => !answer.imagesAsText),
    ).toBe(true);
  });

  it("go to a model that reads no images as their recognised text, waited for, and the answer says so", async () => {
    const chat = await createChat(app, owner);
    // Sent at once: the image is still being read (OCR) when the answer starts.
    const imageId = await upload(owner, chat.id, "seite.png");
    const { sent, answer } = await ask(
      owner,
      chat.id,
      "Wann öffnet die Bibliothek?",
      "mistral/ministral-8b-2512",
      [imageId],
    );
    expect(answer.status).toBe("COMPLETE");
    expect(answer.content).not.toContain("I see");
    const turns = chatCall("ministral-8b-2512").messages as { role: string; content: unknown }[];
    const question = turns.at(-1)?.content;
    expect(typeof question).toBe("string");
    expect(question).toContain('[Image "seite.png": the text recognised in it]');
    expect(question).toMatch(/Stadtbibliothek/);
    expect(question).toMatch(/Wann öffnet die Bibliothek\?$/);
    const messages = await messagesOf(owner, chat.id);
    expect(messages.find((message) => message.id === sent.assistantMessage.id)?.imagesAsText).toBe(true);
    expect((await waitForDocument(app, owner.accessToken, imageId)).status).toBe("READY");
  });

  it("a photo without writing is READY (no passages), and a model without vision is told no text was found", async () => {
    const chat = await createChat(app, owner);
    const photoId = await upload(owner, chat.id, "sonnenuntergang.png", buildPng(48));
    const ready = await waitForDocument(app, owner.accessToken, photoId);
    expect(ready).toMatchObject({ status: "READY", chunkCount: 0, error: null });
    await ask(owner, chat.id, "Was siehst du?", "mistral/ministral-8b-2512", [photoId]);
    const turns = chatCall("ministral-8b-2512").messages as { role: string; content: unknown }[];
    expect(turns.at(-1)?.content).toBe(
      '[Image "sonnenuntergang.png": no text could be recognised in it]\n\nWas siehst du?',
    );
    const vision = await ask(owner, chat.id, "Und du?", "openai/gpt-4.1-mini", [photoId]);
    expect(vision.answer.content).toContain("(I see 1 image.)");
  });

  it("are refused before anything is written: another person's, a file that is no image, too many", async () => {
    const chat = await createChat(app, owner);
    const othersChat = await createChat(app, other);
    const othersImage = await upload(other, othersChat.id);
    const pdf = await upload(owner, chat.id, "notes.pdf", await buildPdf(["Nur Text."]));
    const attempt = (attachmentIds: string[]) =>
      app.gql(
        `mutation ($input: SendMessageInput!) { sendMessage(input: $input) { userMessage { id } } }`,
        { input: { chatId: chat.id, content: "Hier", attachmentIds } },
        { token: owner.accessToken },
      );
    const codeOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
      result.errors?.[0]?.extensions?.code;

    expect(codeOf(await attempt([othersImage]))).toBe("NOT_FOUND");
    expect(codeOf(await attempt(["not-an-id"]))).toBe("NOT_FOUND");
    const notImage = await attempt([pdf]);
    expect(codeOf(notImage)).toBe("BAD_USER_INPUT");
    expect(notImage.errors?.[0]?.message).toContain('"notes.pdf" is no image');
    const eleven = Array.from({ length: 11 }, () => crypto.randomUUID());
    expect(codeOf(await attempt(eleven))).toBe("BAD_USER_INPUT");
    expect(await messagesOf(owner, chat.id)).toEqual([]);
    expect(fake.server.requests.filter((request) => request.method === "POST")).toEqual([]);
  });

  it("count in a hard budget's worst case as the most a provider makes of an image", async () => {
    const member = await registerUser(app, "img_member");
    // $0.003 at gpt-4.1-mini's $0.40 per 1M input tokens: less than one image's worst case (8,192 tokens).
    const budget = await app.gql(
      `mutation ($input: CreateBudgetInput!) { createBudget(input: $input) { id } }`,
      { input: { scope: "USER", targetId: member.user.id, limitUsd: 0.003, period: "MONTH" } },
      { token: owner.accessToken },
    );
    expect(budget.errors).toBeUndefined();
    const chat = await createChat(app, member);
    const imageId = await upload(member, chat.id);
    const input = { chatId: chat.id, content: "Was ist das?", model: "openai/gpt-4.1-mini" };
    const withImage = await app.gql(
      `mutation ($input: SendMessageInput!) { sendMessage(input: $input) { userMessage { id } } }`,
      { input: { ...input, attachmentIds: [imageId] } },
      { token: member.accessToken },
    );
    expect(withImage.errors?.[0]?.extensions?.code).toBe("BUDGET_EXCEEDED");
    // Without the image the same question fits.
    const { answer } = await ask(member, chat.id, input.content, input.model);
    expect(answer.status).toBe("COMPLETE");
  });
});

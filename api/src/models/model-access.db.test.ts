import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, SEND_MESSAGE, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { codeOf } from "../../test/support/graphql-results.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { costUsd } from "../providers/cost.js";

// One place decides who may use a model: the model list, sending, regenerating, editing, titles and
// API keys all follow an admin's choices, and prices apply from the moment they are set.

const fake = useFakeProviderServer();
let app: TestApp;
let admin: SignedIn;
let member: SignedIn;
let insider: SignedIn;

async function asAdmin<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}) {
  const result = await app.gql<T>(query, variables, { token: admin.accessToken });
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

const configure = (modelId: string, input: Record<string, unknown>) =>
  app.gql<{ updateModelConfig: { modelId: string; enabled: boolean } }>(
    `mutation($id: ID!, $input: UpdateModelConfigInput!) { updateModelConfig(modelId: $id, input: $input) { modelId enabled isDefault allowedGroups { id } } }`,
    { id: modelId, input },
    { token: admin.accessToken },
  );

async function listedFor(user: SignedIn): Promise<string[]> {
  const result = await app.gql<{ models: { id: string }[] }>(
    `{ models { id } }`,
    {},
    { token: user.accessToken },
  );
  return result.data!.models.map((model) => model.id);
}

const send = (user: SignedIn, input: Record<string, unknown>, token = user.accessToken) =>
  app.gql<{ sendMessage: { assistantMessage: { id: string } } }>(SEND_MESSAGE, { input }, { token });

beforeAll(async () => {
  app = await startTestApp({ ...fakeProviderEnv(fake.server), TITLE_MODEL: "openai/gpt-4.1-nano" });
  admin = await registerUser(app, "modeladmin");
  member = await registerUser(app, "outsider");
  insider = await registerUser(app, "insider");
});
afterAll(() => app?.close());

describe("a model switched off by an admin", () => {
  it("is not listed and is refused with MODEL_DISABLED by send, regenerate, edit and API keys", async () => {
    const model = "openai/gpt-4o";
    const chat = await createChat(app, member, { model });
    const first = await sendMessage(app, member, { chatId: chat.id, content: "Vorher" });
    await waitForAnswer(app, member, chat.id, first.assistantMessage.id);
    const key = await app.gql<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(input: { name: "Skript" }) { secret } }`,
      {},
      { token: member.accessToken },
    );

    expect((await configure(model, { enabled: false })).data?.updateModelConfig.enabled).toBe(false);
    expect(await listedFor(member)).not.toContain(model);
    expect(await listedFor(member)).toContain("openai/gpt-4.1-mini");

    const sent = await send(member, { chatId: chat.id, content: "Nachher" });
    expect(codeOf(sent)).toBe("MODEL_DISABLED");
    expect(sent.errors?.[0]?.extensions).toMatchObject({ modelId: model });
    const named = await send(member, { chatId: chat.id, content: "Nachher", model });
    expect(codeOf(named)).toBe("MODEL_DISABLED");
    const regenerated = await app.gql(
      `mutation($id: ID!) { regenerateMessage(messageId: $id) { id } }`,
      { id: first.assistantMessage.id },
      { token: member.accessToken },
    );
    expect(codeOf(regenerated)).toBe("MODEL_DISABLED");
    const edited = await app.gql(
      `mutation($id: ID!) { editMessage(messageId: $id, content: "Anders") { assistantMessage { id } } }`,
      { id: first.userMessage.id },
      { token: member.accessToken },
    );
    expect(codeOf(edited)).toBe("MODEL_DISABLED");
    const byKey = await send(
      member,
      { chatId: chat.id, content: "Per Schlüssel" },
      key.data!.createApiKey.secret,
    );
    expect(codeOf(byKey)).toBe("MODEL_DISABLED");
    // Nothing was written by the refused calls: the chat still holds its first exchange only.
    expect(await app.database.owner.message.count({ where: { chatId: chat.id } })).toBe(2);

    // Switched on again, the same chat goes on.
    await configure(model, { enabled: true });
    const again = await sendMessage(app, member, { chatId: chat.id, content: "Wieder da" });
    expect((await waitForAnswer(app, member, chat.id, again.assistantMessage.id)).status).toBe("COMPLETE");
  });

  it("as the title model: titles are written with the chat's own model instead", async () => {
    await configure("openai/gpt-4.1-nano", { enabled: false });
    try {
      const chat = await createChat(app, member, { model: "openai/gpt-4.1-mini" });
      const sent = await sendMessage(app, member, { chatId: chat.id, content: "Plane eine Reise" });
      await waitForAnswer(app, member, chat.id, sent.assistantMessage.id);
      // The title's usage row is written once its call is over, just after the title itself.
      await expect
        .poll(
          async () =>
            (
              await app.database.owner.tokenUsage.findMany({ where: { chatId: chat.id, purpose: "title" } })
            ).map((row) => row.model),
          { timeout: 10_000 },
        )
        .toEqual(["openai/gpt-4.1-mini"]);
      expect((await app.database.owner.chat.findUnique({ where: { id: chat.id } }))?.title).not.toBe(
        "New chat",
      );
    } finally {
      await configure("openai/gpt-4.1-nano", { enabled: true });
    }
  });

  it("cannot be the default; the default model moves with isDefault", async () => {
    const made = await configure("openai/gpt-4.1-mini", { isDefault: true });
    expect(made.data?.updateModelConfig).toMatchObject({ isDefault: true });
    const models = await app.gql<{ models: { id: string; isDefault: boolean }[] }>(
      `{ models { id isDefault } }`,
      {},
      { token: member.accessToken },
    );
    expect(models.data!.models.filter((model) => model.isDefault).map((model) => model.id)).toEqual([
      "openai/gpt-4.1-mini",
    ]);
    expect(codeOf(await configure("openai/gpt-4o-mini", { enabled: false, isDefault: true }))).toBe(
      "BAD_USER_INPUT",
    );
    // The default is everyone's: it cannot be given to a group only while it is the default.
    const { createGroup } = await asAdmin<{ createGroup: { id: string } }>(
      `mutation { createGroup(input: { name: "Nur wenige" }) { id } }`,
    );
    const restricted = await configure("openai/gpt-4.1-mini", { allowedGroupIds: [createGroup.id] });
    expect(restricted.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "allowedGroupIds",
    });
    await asAdmin(`mutation($g: ID!) { deleteGroup(id: $g) }`, { g: createGroup.id });
  });
});

describe("a model given to a group only", () => {
  it("is listed and usable for the group's people, refused to everyone else", async () => {
    const model = "anthropic/claude-haiku-4-5";
    const { createGroup } = await asAdmin<{ createGroup: { id: string } }>(
      `mutation { createGroup(input: { name: "Forschung" }) { id } }`,
    );
    await asAdmin(`mutation($g: ID!, $u: [ID!]!) { addGroupMembers(groupId: $g, userIds: $u) { id } }`, {
      g: createGroup.id,
      u: [insider.user.id],
    });
    const configured = await configure(model, { allowedGroupIds: [createGroup.id] });
    expect(configured.data?.updateModelConfig).toMatchObject({ allowedGroups: [{ id: createGroup.id }] });

    expect(await listedFor(member)).not.toContain(model);
    expect(await listedFor(insider)).toContain(model);
    const outside = await createChat(app, member);
    expect(codeOf(await send(member, { chatId: outside.id, content: "Darf ich?", model }))).toBe(
      "MODEL_DISABLED",
    );
    const inside = await createChat(app, insider);
    const sent = await sendMessage(app, insider, { chatId: inside.id, content: "Ich darf", model });
    expect((await waitForAnswer(app, insider, inside.id, sent.assistantMessage.id)).status).toBe("COMPLETE");

    // Removed from the group, the insider is refused at the next send.
    await asAdmin(`mutation($g: ID!, $u: [ID!]!) { removeGroupMembers(groupId: $g, userIds: $u) { id } }`, {
      g: createGroup.id,
      u: [insider.user.id],
    });
    expect(codeOf(await send(insider, { chatId: inside.id, content: "Noch?", model }))).toBe(
      "MODEL_DISABLED",
    );

    // Deleting the only group switches the model off rather than opening it to everyone.
    await asAdmin(`mutation($g: ID!) { deleteGroup(id: $g) }`, { g: createGroup.id });
    expect(await listedFor(member)).not.toContain(model);
    const after = await asAdmin<{
      modelConfigs: { modelId: string; enabled: boolean; allowedGroups: unknown[] }[];
    }>(`{ modelConfigs { modelId enabled allowedGroups { id } } }`);
    expect(after.modelConfigs.find((entry) => entry.modelId === model)).toMatchObject({
      enabled: false,
      allowedGroups: [],
    });
  });
});

describe("prices", () => {
  it("a new price bills new requests at it and leaves earlier usage rows as they were", async () => {
    const model = "openai/gpt-4.1-mini";
    const chat = await createChat(app, member, { model });
    const before = await sendMessage(app, member, { chatId: chat.id, content: "Zum alten Preis" });
    await waitForAnswer(app, member, chat.id, before.assistantMessage.id);
    const oldRow = await app.database.owner.tokenUsage.findFirstOrThrow({
      where: { messageId: before.assistantMessage.id, purpose: "chat" },
    });
    expect(oldRow.priceId).toBeNull();

    const priced = await asAdmin<{
      setModelPrice: { price: Record<string, unknown>; priceHistory: unknown[] };
    }>(
      `mutation { setModelPrice(modelId: "${model}", input: { inputPerMTokens: 100, outputPerMTokens: 200 }) {
        price { inputPerMTokens outputPerMTokens cachedInputPerMTokens validFrom } priceHistory { inputPerMTokens validFrom } } }`,
    );
    expect(priced.setModelPrice.price).toMatchObject({
      inputPerMTokens: 100,
      outputPerMTokens: 200,
      cachedInputPerMTokens: 100,
    });
    // The organisation's price first, then the catalogue's list price.
    expect(priced.setModelPrice.priceHistory).toEqual([
      { inputPerMTokens: 100, validFrom: expect.any(String) },
      { inputPerMTokens: 0.4, validFrom: null },
    ]);

    const after = await sendMessage(app, member, { chatId: chat.id, content: "Zum neuen Preis" });
    await waitForAnswer(app, member, chat.id, after.assistantMessage.id);
    const newRow = await app.database.owner.tokenUsage.findFirstOrThrow({
      where: { messageId: after.assistantMessage.id, purpose: "chat" },
    });
    expect(newRow.priceId).not.toBeNull();
    const usage = {
      promptTokens: newRow.promptTokens,
      completionTokens: newRow.completionTokens,
      cachedTokens: newRow.cachedTokens,
      reasoningTokens: newRow.reasoningTokens,
    };
    expect(newRow.estimatedCost.toNumber()).toBeCloseTo(
      costUsd({ inputPerMTok: 100, cachedInputPerMTok: 100, outputPerMTok: 200 }, usage),
      9,
    );
    const unchanged = await app.database.owner.tokenUsage.findUniqueOrThrow({ where: { id: oldRow.id } });
    expect(unchanged.estimatedCost.toString()).toBe(oldRow.estimatedCost.toString());
    expect(unchanged.priceId).toBeNull();

    // Price versions are history: the runtime role may not change or delete one.
    await expect(app.database.prisma.modelPrice.updateMany({ data: { inputPerMTok: 1 } })).rejects.toThrow();
  });
});

describe("syncing a provider's models", () => {
  it("brings new models in switched off; enabling one needs a price (or free), then people can use it", async () => {
    const synced = await asAdmin<{
      syncProviderModels: { modelId: string; enabled: boolean; source: string }[];
    }>(`mutation { syncProviderModels(provider: "openai") { modelId enabled source } }`);
    const fresh = synced.syncProviderModels.find((model) => model.modelId === "openai/gpt-5.7-preview");
    expect(fresh).toEqual({ modelId: "openai/gpt-5.7-preview", enabled: false, source: "DISCOVERED" });
    expect(synced.syncProviderModels.some((model) => model.modelId === "openai/text-embedding-3-small")).toBe(
      false,
    );
    // Known models keep what the admin chose.
    expect(synced.syncProviderModels.find((model) => model.modelId === "openai/gpt-4.1-mini")).toMatchObject({
      enabled: true,
      source: "CATALOGUE",
    });
    expect(await listedFor(member)).not.toContain("openai/gpt-5.7-preview");

    expect(codeOf(await configure("openai/gpt-5.7-preview", { enabled: true }))).toBe("MODEL_PRICE_REQUIRED");
    await asAdmin(
      `mutation { setModelPrice(modelId: "openai/gpt-5.7-preview", input: { inputPerMTokens: 3, outputPerMTokens: 9 }) { modelId } }`,
    );
    expect(
      (await configure("openai/gpt-5.7-preview", { enabled: true })).data?.updateModelConfig.enabled,
    ).toBe(true);
    expect(await listedFor(member)).toContain("openai/gpt-5.7-preview");
    const chat = await createChat(app, member);
    const sent = await sendMessage(app, member, {
      chatId: chat.id,
      content: "Neu",
      model: "openai/gpt-5.7-preview",
    });
    expect(await waitForAnswer(app, member, chat.id, sent.assistantMessage.id)).toMatchObject({
      status: "COMPLETE",
      error: null,
    });
    const row = await app.database.owner.tokenUsage.findFirstOrThrow({
      where: { messageId: sent.assistantMessage.id, purpose: "chat" },
    });
    expect(row.estimatedCost.toNumber()).toBeGreaterThan(0);

    // A second sync adds nothing and changes nothing.
    await asAdmin(`mutation { syncProviderModels(provider: "openai") { modelId } }`);
    expect(await listedFor(member)).toContain("openai/gpt-5.7-preview");
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { followAnswer } from "../../test/support/subscribe.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

// Every answer reaches a final state, and its followers hear the matching final event — also when
// starting it or saving it fails.

const fake = useFakeProviderServer();
let app: TestApp;
let user: SignedIn;

beforeAll(async () => {
  app = await startTestApp(fakeProviderEnv(fake.server), { timings: { finalSaveDelaysMs: [50, 50, 50] } });
  user = await registerUser(app, "ends");
});
afterEach(async () => {
  vi.restoreAllMocks();
  await app.database.owner.$executeRawUnsafe("drop trigger if exists fail_final_saves on chat_messages");
});
afterAll(() => app?.close());

/**
 * Makes the database refuse an answer's final save (its change of status) the first `times` times,
 * or always: a failing database as the generator meets it.
 */
async function refuseFinalSaves(times: number | "always") {
  const prisma = app.database.owner;
  // A sequence counts the refusals: unlike a row, nextval survives the refused write's rollback.
  await prisma.$executeRawUnsafe("drop sequence if exists refused_saves");
  await prisma.$executeRawUnsafe("create sequence refused_saves");
  // The API's writes run as the runtime role (row-level security), which must count too.
  await prisma.$executeRawUnsafe("grant usage on sequence refused_saves to xqt5_runtime");
  await prisma.$executeRawUnsafe(`
    create or replace function fail_final_saves() returns trigger language plpgsql as $$
    begin
      if ${times === "always" ? "true" : `nextval('refused_saves') <= ${times}`} then
        raise exception 'injected: the database refuses this write';
      end if;
      return new;
    end $$`);
  await prisma.$executeRawUnsafe(`
    create trigger fail_final_saves before update on chat_messages for each row
    when (old.status = 'streaming' and new.status = 'complete') execute function fail_final_saves()`);
}

describe("an answer that cannot be started", () => {
  it("is FAILED with a code at once; a retry with the same clientMessageId and its followers see that, not a ghost", async () => {
    const chat = await createChat(app, user);
    vi.spyOn(app.app.services.generator, "start").mockImplementationOnce(() => {
      throw new Error("the generator broke");
    });
    const first = await sendMessage(app, user, {
      chatId: chat.id,
      content: "Hallo",
      clientMessageId: "c-ghost",
    });
    expect(first.assistantMessage).toMatchObject({ status: "FAILED", error: { code: "INTERNAL" } });

    const retry = await sendMessage(app, user, {
      chatId: chat.id,
      content: "Hallo",
      clientMessageId: "c-ghost",
    });
    expect(retry.assistantMessage).toMatchObject({ id: first.assistantMessage.id, status: "FAILED" });
    const followed = await followAnswer(app.url, user.accessToken, first.assistantMessage.id);
    expect(followed.last).toMatchObject({ __typename: "MessageFailed", code: "INTERNAL" });
    expect(await app.database.owner.message.count({ where: { chatId: chat.id, status: "streaming" } })).toBe(
      0,
    );

    // The chat goes on: the next message is answered.
    const next = await sendMessage(app, user, { chatId: chat.id, content: "Noch einmal" });
    expect((await waitForAnswer(app, user, chat.id, next.assistantMessage.id)).status).toBe("COMPLETE");
  });

  it("the same for regenerate and edit: the new answer is FAILED with a code, never left streaming", async () => {
    const chat = await createChat(app, user);
    const first = await sendMessage(app, user, { chatId: chat.id, content: "Frage" });
    await waitForAnswer(app, user, chat.id, first.assistantMessage.id);
    vi.spyOn(app.app.services.generator, "start").mockImplementationOnce(() => {
      throw new Error("the generator broke");
    });
    const regenerated = await app.gql<{ regenerateMessage: { id: string; status: string } }>(
      `mutation($id: ID!) { regenerateMessage(messageId: $id) { id status } }`,
      { id: first.assistantMessage.id },
      { token: user.accessToken },
    );
    expect(regenerated.data?.regenerateMessage.status).toBe("FAILED");
    vi.spyOn(app.app.services.generator, "start").mockImplementationOnce(() => {
      throw new Error("the generator broke");
    });
    const edited = await app.gql<{ editMessage: { assistantMessage: { status: string } } }>(
      `mutation($id: ID!) { editMessage(messageId: $id, content: "Neue Frage") { assistantMessage { status } } }`,
      { id: first.userMessage.id },
      { token: user.accessToken },
    );
    expect(edited.data?.editMessage.assistantMessage.status).toBe("FAILED");
    expect(await app.database.owner.message.count({ where: { chatId: chat.id, status: "streaming" } })).toBe(
      0,
    );
  });
});

describe("an answer whose final save fails", () => {
  it("is saved by a retry when the database is back a moment later", async () => {
    await refuseFinalSaves(2);
    const chat = await createChat(app, user);
    const pair = await sendMessage(app, user, { chatId: chat.id, content: "Kurz" });
    const followed = await followAnswer(app.url, user.accessToken, pair.assistantMessage.id);
    expect(followed.last).toMatchObject({ __typename: "MessageCompleted", message: { status: "COMPLETE" } });
    expect(followed.last?.message?.content).toBe(followed.text);
  });

  it("ends FAILED with a code when the database keeps refusing, and followers hear MessageFailed", async () => {
    await refuseFinalSaves("always");
    const chat = await createChat(app, user);
    const pair = await sendMessage(app, user, { chatId: chat.id, content: "Kurz" });
    const followed = await followAnswer(app.url, user.accessToken, pair.assistantMessage.id);
    expect(followed.last).toMatchObject({ __typename: "MessageFailed", code: "INTERNAL" });
    expect(followed.events.some((event) => event.message?.status === "STREAMING")).toBe(false);
    const saved = await app.database.owner.message.findUniqueOrThrow({
      where: { id: pair.assistantMessage.id },
    });
    expect(saved).toMatchObject({ status: "failed", errorCode: "INTERNAL", leaseExpiresAt: null });
    // The call still produced text, so it is paid for.
    expect(
      await app.database.owner.tokenUsage.count({ where: { messageId: pair.assistantMessage.id } }),
    ).toBe(1);
  });
});

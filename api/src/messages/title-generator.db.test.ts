import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { runAs } from "../db/request-identity.js";
import { DEFAULT_ORGANIZATION_ID } from "../organizations/organization-service.js";

const fake = useFakeProviderServer();
let app: TestApp;
let user: SignedIn;

beforeAll(async () => {
  app = await startTestApp({ ...fakeProviderEnv(fake.server), TITLE_MODEL: "openai/gpt-4.1-nano" });
  user = await registerUser(app, "titles");
});
afterAll(() => app?.close());

describe("chat titles", () => {
  it("are written a few at a time when many chats start at once, and all of them get one", async () => {
    fake.server.setScenario({ text: "Ein kurzer Titel", chunking: "words", delayMs: 60 });
    const chats = await Promise.all(
      Array.from({ length: 10 }, () => createChat(app, user, { model: "openai/gpt-4.1-mini" })),
    );
    const before = fake.server.requests.length;
    const calls = () => fake.server.requests.length - before;
    // As a request of the user would: titles are written for someone (their organisation's models).
    const asUser = {
      userId: user.user.id,
      orgId: DEFAULT_ORGANIZATION_ID,
      orgAdmin: false,
      platformAdmin: false,
    };
    const titles = chats.map((chat) =>
      runAs(asUser, () =>
        app.app.services.titles.generate({
          userId: user.user.id,
          chatId: chat.id,
          chatModelId: "openai/gpt-4.1-mini",
          question: "Wie plane ich eine Reise nach Köln?",
          answer: "Mit der Bahn.",
        }),
      ),
    );
    // Each title takes its provider a few hundred milliseconds: the first four are asked at once, the
    // rest wait for a free place.
    await vi.waitFor(() => expect(calls()).toBe(4));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls()).toBe(4);

    expect(await Promise.all(titles)).toEqual(Array(10).fill("Ein kurzer Titel"));
    expect(calls()).toBe(10);
  });
});

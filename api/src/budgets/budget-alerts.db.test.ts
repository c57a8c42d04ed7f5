import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, SEND_MESSAGE, type SendResult, waitForAnswer } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { type SmtpTestServer, startSmtpTestServer } from "../../test/support/smtp-test-server.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";

const MODEL = "openai/gpt-4.1-mini";
// About $0.0064 an answer: ten of them fill a budget of $0.064.
const LONG_ANSWER = Array.from({ length: 2_000 }, (_, index) => `Wort${index % 1000}`).join(" ");

const fake = useFakeProviderServer();
let smtp: SmtpTestServer;
let app: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  smtp = await startSmtpTestServer();
  app = await startTestApp({
    ...fakeProviderEnv(fake.server),
    SMTP_URL: smtp.url,
    SMTP_FROM: "XQT5 AI <ai@example.com>",
    PUBLIC_APP_URL: "https://ai.example.com",
  });
  admin = await registerUser(app, "alert_admin");
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

async function answer(user: SignedIn, chatId: string, content: string) {
  const sent = await app.gql<{ sendMessage: SendResult }>(
    SEND_MESSAGE,
    { input: { chatId, content } },
    {
      token: user.accessToken,
    },
  );
  const id = sent.data?.sendMessage.assistantMessage.id;
  if (!id) throw new Error(JSON.stringify(sent.errors));
  await waitForAnswer(app, user, chatId, id);
  const deadline = Date.now() + 5_000;
  while ((await app.database.owner.tokenUsage.count({ where: { reservationId: id } })) === 0) {
    if (Date.now() > deadline) throw new Error("no usage event");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("budget alerts", () => {
  it("crossing 80 % sends one e-mail and one notice, not one per message", async () => {
    fake.server.setScenario({ text: LONG_ANSWER, chunking: "single", delayMs: 0 });
    const member = await registerUser(app, "alert_member");
    const created = await app.gql<{ createBudget: { id: string } }>(
      `mutation($input: CreateBudgetInput!) { createBudget(input: $input) { id } }`,
      { input: { scope: "USER", targetId: member.user.id, limitUsd: 0.064, period: "MONTH", hard: false } },
      { token: admin.accessToken },
    );
    const budgetId = created.data?.createBudget.id as string;
    for (let round = 0; round < 9; round++) {
      // New chats: each answer costs the same.
      const chat = await createChat(app, member, { model: MODEL });
      await answer(member, chat.id, `Frage ${round}`);
      await app.app.services.budgetAlertMails?.sendDue();
    }
    const spent = (
      await app.database.owner.budget.findUniqueOrThrow({ where: { id: budgetId } })
    ).spentUsd.toNumber();
    expect(spent / 0.064).toBeGreaterThan(0.8);
    expect(spent / 0.064).toBeLessThan(1);

    await smtp.waitFor(2, 5_000);
    const mails = smtp.messages.filter((mail) => mail.recipients.includes(member.user.email));
    expect(mails.map((mail) => mail.subject.match(/(\d+) %/)?.[1])).toEqual(["50", "80"]);
    expect(mails[1]?.text).toContain("https://ai.example.com/usage");
    expect(mails[1]?.from).toContain("ai@example.com");
    // Nothing more is due: a later pass (another replica's, say) sends nothing again.
    expect(await app.app.services.budgetAlertMails?.sendDue()).toBe(0);

    const notices = await app.gql<{
      notifications: { kind: string; threshold: number; budget: { id: string } | null }[];
    }>(`{ notifications { kind threshold budget { id } } }`, {}, { token: member.accessToken });
    expect(notices.data?.notifications).toEqual([
      { kind: "BUDGET_THRESHOLD", threshold: 80, budget: { id: budgetId } },
      { kind: "BUDGET_THRESHOLD", threshold: 50, budget: { id: budgetId } },
    ]);
    const marked = await app.gql<{ markNotificationsRead: number }>(
      `mutation { markNotificationsRead }`,
      {},
      {
        token: member.accessToken,
      },
    );
    expect(marked.data?.markNotificationsRead).toBe(2);
    // A member's budget is no business of the admin's inbox.
    const adminNotices = await app.gql<{ notifications: unknown[] }>(
      `{ notifications(unreadOnly: true) { id } }`,
      {},
      {
        token: admin.accessToken,
      },
    );
    expect(adminNotices.data?.notifications).toEqual([]);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, SEND_MESSAGE, type SendResult, waitForAnswer } from "../../test/support/chat-client.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { runAs } from "../db/request-identity.js";
import { MODEL_CATALOGUE, parseModelId } from "../providers/catalogue.js";
import { sweepBudgetReservations } from "./budget-sweeper.js";
import { DEFAULT_MAX_OUTPUT_TOKENS } from "./worst-case.js";

const MODEL = "openai/gpt-4.1-mini"; // $0.40 in, $1.60 out per 1M tokens
const BUDGET_FIELDS = `id scope targetId targetName limitUsd period periodStart resetsAt spentUsd reservedUsd
  remainingUsd usedPercent hard alertThresholds models fallbackModel`;
const CREATE_BUDGET = `mutation($input: CreateBudgetInput!) { createBudget(input: $input) { ${BUDGET_FIELDS} } }`;
const MY_BUDGETS = `{ myBudgets { ${BUDGET_FIELDS} } }`;
// About 4,000 output tokens by the fake provider's count: $0.0064 at gpt-4.1-mini's price.
const LONG_ANSWER = Array.from({ length: 2_000 }, (_, index) => `Wort${index % 1000}`).join(" ");

interface Budget {
  id: string;
  scope: string;
  targetName: string;
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
  remainingUsd: number;
  resetsAt: string | null;
  periodStart: string;
}

const fake = useFakeProviderServer();
let app: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  app = await startTestApp(fakeProviderEnv(fake.server));
  admin = await registerUser(app, "budget_admin");
});
afterAll(() => app?.close());
beforeEach(() => {
  fake.server.reset();
  fake.server.setScenario({ text: LONG_ANSWER, chunking: "single", delayMs: 0 });
});

async function gql<T>(user: SignedIn | string, query: string, variables: Record<string, unknown> = {}) {
  const token = typeof user === "string" ? user : user.accessToken;
  return app.gql<T>(query, variables, { token });
}

async function createBudget(input: Record<string, unknown>): Promise<Budget> {
  const result = await gql<{ createBudget: Budget }>(admin, CREATE_BUDGET, { input });
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.createBudget;
}

/** Sends into a new chat; the answer once settled, or the refusal. */
async function ask(user: SignedIn | string, content = "Erzähl mir etwas", chatId?: string) {
  const token = typeof user === "string" ? user : user.accessToken;
  const chat = chatId ?? (await createChat(app, { accessToken: token } as SignedIn, { model: MODEL })).id;
  const result = await app.gql<{ sendMessage: SendResult }>(
    SEND_MESSAGE,
    { input: { chatId: chat, content } },
    { token },
  );
  const answer = result.data?.sendMessage?.assistantMessage;
  if (answer) {
    await waitForAnswer(app, { accessToken: token } as SignedIn, chat, answer.id);
    await settled(answer.id);
  }
  return { chatId: chat, answer, error: result.errors?.[0] };
}

/** The answer's usage event is written just after its final state: wait for it (and so its settlement). */
async function settled(messageId: string) {
  const deadline = Date.now() + 5_000;
  while ((await app.database.owner.tokenUsage.count({ where: { reservationId: messageId } })) === 0) {
    if (Date.now() > deadline) throw new Error(`no usage event for ${messageId}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const billed = async (userId: string) =>
  (await app.database.owner.tokenUsage.findMany({ where: { userId } })).reduce(
    (sum, row) => sum + row.estimatedCost.toNumber(),
    0,
  );

const budgetRow = (id: string) => app.database.owner.budget.findUniqueOrThrow({ where: { id } });

describe("budgets", () => {
  it("a hard monthly user budget of $0.01 stops the member's sends when reached, and never more is billed", async () => {
    const member = await registerUser(app, "budget_member");
    const budget = await createBudget({
      scope: "USER",
      targetId: member.user.id,
      limitUsd: 0.01,
      period: "MONTH",
    });
    expect(budget).toMatchObject({
      scope: "USER",
      targetName: member.user.username,
      spentUsd: 0,
      remainingUsd: 0.01,
    });

    let refusal: Awaited<ReturnType<typeof ask>>["error"];
    let answers = 0;
    let chatId: string | undefined;
    // A new chat each time: a long history's worst case (a byte per token) would stop it sooner.
    for (let round = 0; round < 12 && !refusal; round++) {
      const sent = await ask(member, `Frage ${round}`);
      chatId = sent.chatId;
      if (sent.error) refusal = sent.error;
      else answers += 1;
    }
    expect(answers).toBeGreaterThanOrEqual(2);
    expect(refusal?.extensions).toMatchObject({
      code: "BUDGET_EXCEEDED",
      budgetId: budget.id,
      scope: "USER",
      period: "MONTH",
      limitUsd: 0.01,
      targetName: member.user.username,
    });
    expect(refusal?.extensions?.resetsAt).toBe(budget.resetsAt);
    expect(refusal?.message).toMatch(/monthly budget of the user .* \(\$0\.0100\).*resets on/);
    // The refused send wrote nothing.
    expect(await app.database.owner.message.count({ where: { chatId } })).toBe(0);

    const total = await billed(member.user.id);
    expect(total).toBeGreaterThan(0.009);
    expect(total).toBeLessThanOrEqual(0.01);
    const row = await budgetRow(budget.id);
    expect(row.spentUsd.toNumber()).toBeCloseTo(total, 9);
    expect(row.reservedUsd.toNumber()).toBe(0);
    // The last answers were cut to what the budget could still buy, by the provider's own parameter.
    const limits = fake.server.requests
      .map(
        (request) => (request.body as { max_completion_tokens?: number } | undefined)?.max_completion_tokens,
      )
      .filter((limit): limit is number => limit !== undefined);
    expect(Math.min(...limits)).toBeLessThan(DEFAULT_MAX_OUTPUT_TOKENS);

    const mine = await gql<{ myBudgets: Budget[] }>(member, MY_BUDGETS);
    expect(mine.data?.myBudgets).toEqual([
      expect.objectContaining({ id: budget.id, remainingUsd: expect.any(Number) }),
    ]);
    expect(mine.data?.myBudgets[0]?.remainingUsd).toBeLessThan(0.001);
    // One audit entry for the refusal in this period, however often it refuses.
    await ask(member, "noch einmal", chatId);
    const refusals = await app.database.owner.auditEntry.findMany({
      where: { action: "budget.exceeded", targetId: budget.id },
    });
    expect(refusals).toHaveLength(1);
  });

  it("with a group budget and a user budget, the stricter one stops the member; myBudgets shows both", async () => {
    const member = await registerUser(app, "group_member");
    const group = await gql<{ createGroup: { id: string } }>(
      admin,
      `mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }`,
      {
        input: { name: `Vertrieb ${member.user.username}` },
      },
    );
    const groupId = group.data?.createGroup.id as string;
    await gql(admin, `mutation($g: ID!, $u: [ID!]!) { addGroupMembers(groupId: $g, userIds: $u) { id } }`, {
      g: groupId,
      u: [member.user.id],
    });
    const groupBudget = await createBudget({
      scope: "GROUP",
      targetId: groupId,
      limitUsd: 0.005,
      period: "DAY",
    });
    const userBudget = await createBudget({
      scope: "USER",
      targetId: member.user.id,
      limitUsd: 1,
      period: "MONTH",
    });

    const mine = await gql<{ myBudgets: Budget[] }>(member, MY_BUDGETS);
    expect(mine.data?.myBudgets.map((budget) => budget.id)).toEqual([groupBudget.id, userBudget.id]);

    let refusal: Awaited<ReturnType<typeof ask>>["error"];
    for (let round = 0; round < 10 && !refusal; round++) refusal = (await ask(member)).error;
    expect(refusal?.extensions).toMatchObject({
      code: "BUDGET_EXCEEDED",
      budgetId: groupBudget.id,
      scope: "GROUP",
    });
    expect((await budgetRow(groupBudget.id)).spentUsd.toNumber()).toBeLessThanOrEqual(0.005);
    // Both counted the same spending.
    expect((await budgetRow(userBudget.id)).spentUsd.toNumber()).toBeCloseTo(await billed(member.user.id), 9);
  });

  it("an API key with its own budget is refused when it is spent, while the same person's session still works", async () => {
    const member = await registerUser(app, "key_owner");
    const created = await gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      member,
      `mutation { createApiKey(input: { name: "Skript" }) { secret apiKey { id } } }`,
    );
    const key = created.data?.createApiKey as { secret: string; apiKey: { id: string } };
    const budget = await createBudget({
      scope: "API_KEY",
      targetId: key.apiKey.id,
      limitUsd: 0.004,
      period: "TOTAL",
    });
    expect(budget.resetsAt).toBeNull();

    let refusal: Awaited<ReturnType<typeof ask>>["error"];
    for (let round = 0; round < 10 && !refusal; round++) refusal = (await ask(key.secret)).error;
    expect(refusal?.extensions).toMatchObject({
      code: "BUDGET_EXCEEDED",
      budgetId: budget.id,
      scope: "API_KEY",
    });
    expect(refusal?.message).toContain("does not reset");

    const inSession = await ask(member);
    expect(inSession.error).toBeUndefined();
    expect(inSession.answer?.status).toBe("STREAMING");
    const keyBudget = await gql<{ apiKeys: { id: string; budget: Budget | null }[] }>(
      member,
      `{ apiKeys { id budget { id spentUsd } } }`,
    );
    expect(keyBudget.data?.apiKeys.find((entry) => entry.id === key.apiKey.id)?.budget?.id).toBe(budget.id);
    // The key sees its budget among its own.
    const viaKey = await gql<{ myBudgets: Budget[] }>(key.secret, MY_BUDGETS);
    expect(viaKey.data?.myBudgets.map((entry) => entry.id)).toContain(budget.id);
  });

  it("a stopped answer and a provider failure mid-stream settle their partial cost; nothing stays reserved", async () => {
    const member = await registerUser(app, "partial_member");
    const budget = await createBudget({
      scope: "USER",
      targetId: member.user.id,
      limitUsd: 5,
      period: "WEEK",
    });

    fake.server.setScenario({ text: LONG_ANSWER, chunking: "words", delayMs: 0, errorAfterChars: 400 });
    const failed = await ask(member);
    expect(failed.error).toBeUndefined();

    fake.server.reset();
    fake.server.setScenario({ text: LONG_ANSWER, chunking: "words", delayMs: 0, stallAfterChars: 300 });
    const chat = await createChat(app, member, { model: MODEL });
    const sent = await app.gql<{ sendMessage: SendResult }>(
      SEND_MESSAGE,
      { input: { chatId: chat.id, content: "Los" } },
      {
        token: member.accessToken,
      },
    );
    const stalled = sent.data?.sendMessage.assistantMessage.id as string;
    const whileRunning = await budgetRow(budget.id);
    expect(whileRunning.reservedUsd.toNumber()).toBeGreaterThan(0);
    await gql(member, `mutation($id: ID!) { stopGeneration(messageId: $id) { id } }`, { id: stalled });
    const stopped = await waitForAnswer(app, member, chat.id, stalled);
    expect(stopped.status, JSON.stringify(stopped.error)).toBe("STOPPED");
    await settled(stalled);

    const events = await app.database.owner.tokenUsage.findMany({ where: { userId: member.user.id } });
    expect(events.map((event) => event.outcome).sort()).toEqual(["failed", "stopped"]);
    expect(events.every((event) => event.estimatedCost.toNumber() > 0)).toBe(true);
    const after = await budgetRow(budget.id);
    expect(after.reservedUsd.toNumber()).toBe(0);
    expect(after.spentUsd.toNumber()).toBeCloseTo(
      events.reduce((sum, event) => sum + event.estimatedCost.toNumber(), 0),
      9,
    );
  });

  it("reservations of a call that died are released by the sweeper", async () => {
    const member = await registerUser(app, "crashed_member");
    const budget = await createBudget({
      scope: "USER",
      targetId: member.user.id,
      limitUsd: 1,
      period: "DAY",
    });
    const identity = {
      userId: member.user.id,
      orgId: budget ? (await budgetRow(budget.id)).orgId : "",
      orgAdmin: false,
      platformAdmin: false,
    };
    // Admitted, then the process died before calling the provider: no event will ever settle it.
    const admission = await runAs(identity, () =>
      app.app.services.budgetGate.admit(MODEL, { bytes: 100, turns: 1 }),
    );
    expect((await budgetRow(budget.id)).reservedUsd.toNumber()).toBeGreaterThan(0);
    expect(await sweepBudgetReservations(app.database.prisma)).toBe(0); // still young
    await app.database.owner.$executeRaw`
      update app_budget_reservations set created_at = now() - interval '6 minutes'
      where reservation_id = ${admission.reservationId}::uuid`;
    expect(await sweepBudgetReservations(app.database.prisma)).toBe(1);
    expect((await budgetRow(budget.id)).reservedUsd.toNumber()).toBe(0);
  });

  it("the output limit reaches every provider in its own parameter", async () => {
    const member = await registerUser(app, "clamp_member");
    await createBudget({ scope: "USER", targetId: member.user.id, limitUsd: 1, period: "MONTH" });
    fake.server.setScenario({ text: "Kurz und gut.", chunking: "single", delayMs: 0 });
    const parameters: Record<string, (body: Record<string, unknown>) => unknown> = {
      openai: (body) => body.max_completion_tokens,
      anthropic: (body) => body.max_tokens,
      google: (body) => (body.generationConfig as Record<string, unknown> | undefined)?.maxOutputTokens,
      mistral: (body) => body.max_tokens,
      xai: (body) => body.max_completion_tokens ?? body.max_tokens,
    };
    const seen: Record<string, unknown> = {};
    for (const provider of Object.keys(parameters)) {
      const model = MODEL_CATALOGUE.find(
        (entry) => entry.provider === provider && entry.prices.outputPerMTok > 0,
      );
      const chat = await createChat(app, member, { model: model?.id });
      fake.server.requests.length = 0;
      const sent = await app.gql<{ sendMessage: SendResult }>(
        SEND_MESSAGE,
        { input: { chatId: chat.id, content: "Kurz" } },
        {
          token: member.accessToken,
        },
      );
      expect(sent.errors, provider).toBeUndefined();
      await waitForAnswer(app, member, chat.id, sent.data?.sendMessage.assistantMessage.id as string);
      // The chat's own call: the previous chat's title may still arrive after the reset.
      const providerModel = parseModelId(model?.id ?? "")?.providerModel;
      const call = fake.server.requests.find(
        (request) =>
          request.method === "POST" &&
          ((request.body as { model?: string } | undefined)?.model === providerModel ||
            request.path.includes(`/${providerModel}:`)),
      );
      const limit = parameters[provider]?.((call?.body ?? {}) as Record<string, unknown>);
      // A hard budget applies: the limit is always sent (what the room buys, at most the default).
      seen[provider] = typeof limit === "number" && limit > 0 && limit <= DEFAULT_MAX_OUTPUT_TOKENS;
    }
    expect(seen).toEqual({ openai: true, anthropic: true, google: true, mistral: true, xai: true });
  });

  it("periods follow the organisation's calendar across a daylight-saving change", async () => {
    const periods = await app.database.owner.$queryRaw<{ period: string; start: Date; end: Date }[]>`
      select p as period, app_budget_period_start(p, 'Europe/Berlin', '2027-03-28 12:00+02') as start,
             app_budget_period_end(p, 'Europe/Berlin', app_budget_period_start(p, 'Europe/Berlin', '2027-03-28 12:00+02')) as end
      from unnest(array['DAY', 'WEEK', 'MONTH']) p`;
    const iso = Object.fromEntries(
      periods.map((row) => [row.period, [row.start.toISOString(), row.end.toISOString()]]),
    );
    expect(iso).toEqual({
      // 28 March 2027: clocks go forward at 02:00, the day has 23 hours.
      DAY: ["2027-03-27T23:00:00.000Z", "2027-03-28T22:00:00.000Z"],
      // The week from Monday 22 March (CET) to Monday 29 March (CEST).
      WEEK: ["2027-03-21T23:00:00.000Z", "2027-03-28T22:00:00.000Z"],
      MONTH: ["2027-02-28T23:00:00.000Z", "2027-03-31T22:00:00.000Z"],
    });
  });

  it("a budget whose period ended starts again from zero at the next request", async () => {
    const member = await registerUser(app, "reset_member");
    const budget = await createBudget({
      scope: "USER",
      targetId: member.user.id,
      limitUsd: 0.003,
      period: "DAY",
    });
    let refusal: Awaited<ReturnType<typeof ask>>["error"];
    for (let round = 0; round < 10 && !refusal; round++) refusal = (await ask(member)).error;
    expect(refusal?.extensions?.code).toBe("BUDGET_EXCEEDED");
    // Midnight passes (in Berlin).
    await app.database.owner.$executeRaw`
      update app_budgets set period_start = period_start - interval '1 day', resets_at = now() - interval '1 second'
      where id = ${budget.id}::uuid`;
    const [mine] = (await gql<{ myBudgets: Budget[] }>(member, MY_BUDGETS)).data?.myBudgets ?? [];
    expect(mine).toMatchObject({ spentUsd: 0 });
    expect(new Date(mine?.resetsAt as string).getTime()).toBeGreaterThan(Date.now());
    const next = await ask(member);
    expect(next.error).toBeUndefined();
    const row = await budgetRow(budget.id);
    expect(row.resetsAt?.getTime()).toBeGreaterThan(Date.now());
    expect(row.spentUsd.toNumber()).toBeGreaterThan(0);
    expect(row.spentUsd.toNumber()).toBeLessThanOrEqual(0.003);
  });

  it("budgets are the admins': members cannot create, change or list them, nor see others'", async () => {
    const member = await registerUser(app, "plain_member");
    const other = await registerUser(app, "other_member");
    const othersBudget = await createBudget({
      scope: "USER",
      targetId: other.user.id,
      limitUsd: 3,
      period: "MONTH",
    });
    const create = await gql(member, CREATE_BUDGET, {
      input: { scope: "ORGANIZATION", limitUsd: 1, period: "DAY" },
    });
    expect(create.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const list = await gql(member, `{ budgets { id } }`);
    expect(list.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const update = await gql(
      member,
      `mutation($id: ID!) { updateBudget(id: $id, input: { limitUsd: 100 }) { id } }`,
      {
        id: othersBudget.id,
      },
    );
    expect(update.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const mine = await gql<{ myBudgets: Budget[] }>(member, MY_BUDGETS);
    expect(mine.data?.myBudgets.map((budget) => budget.id)).not.toContain(othersBudget.id);
    const bad = await gql(admin, CREATE_BUDGET, { input: { scope: "GROUP", limitUsd: 1, period: "DAY" } });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

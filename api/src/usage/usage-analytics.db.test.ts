import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFakeProviderServer } from "../../test/fake-provider/use-fake-provider.js";
import { createChat, MESSAGE_FIELDS, sendMessage, waitForAnswer } from "../../test/support/chat-client.js";
import { codeOf, dataOf } from "../../test/support/graphql-results.js";
import { fakeProviderEnv } from "../../test/support/provider-env.js";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { FIRST_TOKEN_BOUNDS_MS } from "./first-token-histogram.js";

// The company's usage: every provider call is an event (answers, titles, stopped ones, with the API key
// it was made with), the daily rollup written with it answers organizationUsage, and the CSV export says
// the same. Members see only their own. Figures are compared with the events themselves, never typed in.

const fake = useFakeProviderServer();
let app: TestApp;
let admin: SignedIn;
let member: SignedIn;
let memberKey: { id: string; secret: string };
let groupId: string;

const ROW = `key label dimensions { groupBy key label } requests promptTokens cachedTokens completionTokens
  reasoningTokens costUsd p95FirstTokenMs`;
const REPORT = (
  field: string,
) => `query($groupBy: [UsageGroupBy!]!, $filter: UsageFilter, $from: DateTime, $to: DateTime) {
  ${field}(groupBy: $groupBy, filter: $filter, from: $from, to: $to) { rows { ${ROW} } totals { ${ROW} } projectedMonthUsd } }`;

interface Row {
  key: string;
  label: string;
  dimensions: { groupBy: string; key: string; label: string }[];
  requests: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  costUsd: number;
  p95FirstTokenMs: number | null;
}
interface Report {
  rows: Row[];
  totals: Row;
  projectedMonthUsd: number | null;
}

async function report(groupBy: string[], by: { accessToken: string } = admin, field = "organizationUsage") {
  const result = await app.gql<Record<string, Report>>(REPORT(field), { groupBy }, { token: by.accessToken });
  return dataOf(result)[field]!;
}

/** What the events themselves add up to, read as the owner (no row-level security). */
async function eventSums(where: Record<string, unknown> = {}) {
  const events = await app.database.owner.tokenUsage.findMany({ where });
  return {
    requests: events.length,
    promptTokens: events.reduce((sum, event) => sum + event.promptTokens, 0),
    completionTokens: events.reduce((sum, event) => sum + event.completionTokens, 0),
    costUsd: events.reduce((sum, event) => sum + Number(event.estimatedCost), 0),
  };
}

const sameFigures = (row: Row | undefined, sums: Awaited<ReturnType<typeof eventSums>>) => {
  expect(row).toBeDefined();
  expect(row!.requests).toBe(sums.requests);
  expect(row!.promptTokens).toBe(sums.promptTokens);
  expect(row!.completionTokens).toBe(sums.completionTokens);
  expect(row!.costUsd).toBeCloseTo(sums.costUsd, 8);
};

async function answered(user: SignedIn, model: string, content: string, token = user.accessToken) {
  const chat = await createChat(app, { ...user, accessToken: token }, { model });
  const sent = await sendMessage(app, { ...user, accessToken: token }, { chatId: chat.id, content });
  await waitForAnswer(app, user, chat.id, sent.assistantMessage.id);
  return { chatId: chat.id, messageId: sent.assistantMessage.id };
}

/** Answers, titles (one per chat whose first answer completed): every call has landed. */
const eventCount = () => app.database.owner.tokenUsage.count();

beforeAll(async () => {
  app = await startTestApp(fakeProviderEnv(fake.server));
  admin = await registerUser(app, "boss");
  member = await registerUser(app, "member");
  const created = await app.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`,
    { input: { name: "Reporting script" } },
    { token: member.accessToken },
  );
  memberKey = { id: dataOf(created).createApiKey.apiKey.id, secret: dataOf(created).createApiKey.secret };
  const group = await app.gql<{ createGroup: { id: string } }>(
    `mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }`,
    { input: { name: "Vertrieb" } },
    { token: admin.accessToken },
  );
  groupId = dataOf(group).createGroup.id;
  dataOf(
    await app.gql(
      `mutation($g: ID!, $u: [ID!]!) { addGroupMembers(groupId: $g, userIds: $u) { id } }`,
      { g: groupId, u: [member.user.id] },
      { token: admin.accessToken },
    ),
  );

  fake.server.setScenario({ chunking: "words", usage: { promptTokens: 120, completionTokens: 30 } });
  await answered(admin, "openai/gpt-4.1-mini", "Wie spät ist es in Tokio?");
  await answered(member, "anthropic/claude-sonnet-4-5", "Fasse den Vertrag zusammen");
  await answered(member, "mistral/mistral-large-latest", "Schreib ein Gedicht", memberKey.secret);

  // One answer stopped mid-stream: it is paid for as far as it went.
  fake.server.setScenario({
    text: "eins zwei drei vier fünf sechs sieben acht",
    chunking: "words",
    stallAfterChars: 10,
  });
  const chat = await createChat(app, member, { model: "openai/gpt-4.1-mini" });
  const sent = await sendMessage(app, member, { chatId: chat.id, content: "Stopp gleich" });
  await until(() => fake.server.activeStreamCount() === 1);
  const stopped = await app.gql<{ stopGeneration: { status: string } }>(
    `mutation($id: ID!) { stopGeneration(messageId: $id) { ${MESSAGE_FIELDS} } }`,
    { id: sent.assistantMessage.id },
    { token: member.accessToken },
  );
  expect(dataOf(stopped).stopGeneration.status).toBe("STOPPED");
  // 4 answers + 3 titles (the stopped chat gets none).
  await until(async () => (await eventCount()) === 7);
}, 60_000);

afterAll(() => app?.close());

describe("usage events", () => {
  it("record the API key, the user's groups, time to first token, duration and outcome of each call", async () => {
    const events = await app.database.owner.tokenUsage.findMany({ orderBy: { createdAt: "asc" } });
    const viaKey = events.filter((event) => event.apiKeyId === memberKey.id);
    // The answer and the title of the chat asked through the key.
    expect(viaKey.map((event) => event.purpose).sort()).toEqual(["chat", "title"]);
    expect(viaKey.every((event) => event.model.startsWith("mistral/") || event.purpose === "title")).toBe(
      true,
    );
    expect(
      events
        .filter((event) => event.userId === member.user.id)
        .every((event) => event.groupIds.includes(groupId)),
    ).toBe(true);
    expect(
      events.filter((event) => event.userId === admin.user.id).every((event) => event.groupIds.length === 0),
    ).toBe(true);
    const answers = events.filter((event) => event.purpose === "chat");
    expect(answers.map((event) => event.outcome).sort()).toEqual([
      "completed",
      "completed",
      "completed",
      "stopped",
    ]);
    for (const event of answers) {
      expect(event.firstTokenMs).not.toBeNull();
      expect(event.durationMs).toBeGreaterThanOrEqual(event.firstTokenMs!);
    }
  });
});

describe("organizationUsage", () => {
  it("has totals equal to the sum of the events, per user, per model and per API key", async () => {
    sameFigures((await report(["MODEL"])).totals, await eventSums());

    const byUser = await report(["USER"]);
    expect(byUser.rows).toHaveLength(2);
    sameFigures(
      byUser.rows.find((row) => row.key === admin.user.id),
      await eventSums({ userId: admin.user.id }),
    );
    sameFigures(
      byUser.rows.find((row) => row.key === member.user.id),
      await eventSums({ userId: member.user.id }),
    );
    expect(byUser.rows.find((row) => row.key === member.user.id)?.label).toBe(member.user.username);

    const byModel = await report(["MODEL"]);
    const models = [...new Set((await app.database.owner.tokenUsage.findMany()).map((event) => event.model))];
    expect(byModel.rows.map((row) => row.key).sort()).toEqual(models.sort());
    for (const model of models)
      sameFigures(
        byModel.rows.find((row) => row.key === model),
        await eventSums({ model }),
      );
    // Most expensive first.
    const costs = byModel.rows.map((row) => row.costUsd);
    expect(costs).toEqual([...costs].sort((a, b) => b - a));

    const byKey = await report(["API_KEY"]);
    const keyRow = byKey.rows.find((row) => row.key === memberKey.id);
    expect(keyRow?.label).toBe("Reporting script");
    sameFigures(keyRow, await eventSums({ apiKeyId: memberKey.id }));
    sameFigures(
      byKey.rows.find((row) => row.key === ""),
      await eventSums({ apiKeyId: null }),
    );
  });

  it("groups by group (as the user's groups were) and by day with several dimensions at once", async () => {
    const byGroup = await report(["GROUP"]);
    const sales = byGroup.rows.find((row) => row.key === groupId);
    expect(sales?.label).toBe("Vertrieb");
    sameFigures(sales, await eventSums({ userId: member.user.id }));
    sameFigures(
      byGroup.rows.find((row) => row.key === ""),
      await eventSums({ userId: admin.user.id }),
    );

    const today = new Date().toISOString().slice(0, 10);
    const byDayAndModel = await report(["DAY", "MODEL"]);
    for (const row of byDayAndModel.rows) {
      expect(row.dimensions.map((dimension) => dimension.groupBy)).toEqual(["DAY", "MODEL"]);
      expect(row.dimensions[0]!.key).toBe(today);
      expect(row.key).toBe(`${today}|${row.dimensions[1]!.key}`);
    }
    expect(byDayAndModel.rows.reduce((sum, row) => sum + row.requests, 0)).toBe(7);
  });

  it("reports a p95 time to first token within the histogram's buckets, and a month-end projection", async () => {
    const { totals, projectedMonthUsd } = await report(["MODEL"]);
    const slowest = Math.max(
      ...(await app.database.owner.tokenUsage.findMany()).map((event) => event.firstTokenMs ?? 0),
    );
    const bucketTop = FIRST_TOKEN_BOUNDS_MS.find((bound) => slowest < bound) ?? Number.POSITIVE_INFINITY;
    expect(totals.p95FirstTokenMs).not.toBeNull();
    expect(totals.p95FirstTokenMs!).toBeLessThanOrEqual(bucketTop);
    expect(projectedMonthUsd).toBeGreaterThanOrEqual(totals.costUsd);
  });

  it("filters by user, group, model and provider", async () => {
    const filtered = await app.gql<{ organizationUsage: Report }>(
      REPORT("organizationUsage"),
      {
        groupBy: ["PROVIDER"],
        filter: { providers: ["openai"], userIds: [member.user.id] },
      },
      { token: admin.accessToken },
    );
    const rows = dataOf(filtered).organizationUsage.rows;
    expect(rows.map((row) => row.key)).toEqual(["openai"]);
    sameFigures(rows[0], await eventSums({ userId: member.user.id, provider: "openai" }));
  });

  it("is for the organisation's admins: a member is refused, and the refusal is in the audit log", async () => {
    const refused = await app.gql(
      REPORT("organizationUsage"),
      { groupBy: ["USER"] },
      { token: member.accessToken },
    );
    expect(codeOf(refused)).toBe("FORBIDDEN");
    const denied = await app.database.owner.auditEntry.findFirst({
      where: { action: "access.denied", actorId: member.user.id, targetId: "organizationUsage" },
    });
    expect(denied?.outcome).toBe("denied");
  });

  it("keeps a deleted person's usage, shown as deleted", async () => {
    const extra = await registerUser(app, "leaver");
    await answered(extra, "openai/gpt-4.1-mini", "Letzte Frage");
    await expect.poll(eventCount, { timeout: 10_000 }).toBe(9);
    dataOf(
      await app.gql(
        `mutation($id: ID!) { deleteUser(id: $id, eraseData: true) { id } }`,
        { id: extra.user.id },
        {
          token: admin.accessToken,
        },
      ),
    );
    const row = (await report(["USER"])).rows.find((candidate) => candidate.key === extra.user.id);
    expect(row?.label).toMatch(/\(deleted\)$/);
    sameFigures(row, await eventSums({ userId: extra.user.id }));
  });
});

describe("myUsage", () => {
  it("shows members their own usage only, whatever the filter asks", async () => {
    const own = await app.gql<{ myUsage: Report }>(
      REPORT("myUsage"),
      {
        groupBy: ["USER"],
        filter: { userIds: [admin.user.id] },
      },
      { token: member.accessToken },
    );
    const rows = dataOf(own).myUsage.rows;
    expect(rows.map((row) => row.key)).toEqual([member.user.id]);
    sameFigures(dataOf(own).myUsage.totals, await eventSums({ userId: member.user.id }));
  });
});

describe("GET /export/usage.csv", () => {
  const csv = async (query: string, token: string) => {
    const response = await fetch(`${app.url}/export/usage.csv?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { response, text: await response.text() };
  };
  const parse = (text: string) =>
    text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n")
      .map((line) => line.split(","));

  it("has the same numbers as the report, for a session and for an API key", async () => {
    const { response, text } = await csv("groupBy=USER", admin.accessToken);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="usage-.*\.csv"/);
    const [header, ...lines] = parse(text);
    expect(header).toEqual([
      "user",
      "userLabel",
      "requests",
      "promptTokens",
      "cachedTokens",
      "completionTokens",
      "reasoningTokens",
      "costUsd",
      "p95FirstTokenMs",
    ]);
    const expected = await report(["USER"]);
    const total = lines.at(-1)!;
    expect(total[0]).toBe("total");
    expect(Number(total[2])).toBe(expected.totals.requests);
    expect(Number(total[7])).toBeCloseTo(expected.totals.costUsd, 8);
    for (const row of expected.rows) {
      const line = lines.find((candidate) => candidate[0] === row.key);
      expect(Number(line?.[2])).toBe(row.requests);
      expect(Number(line?.[7])).toBeCloseTo(row.costUsd, 8);
    }
    const exported = await app.database.owner.auditEntry.findFirst({
      where: { action: "export.downloaded", actorId: admin.user.id, targetId: "usage.csv" },
    });
    expect(exported).not.toBeNull();
  });

  it("gives a member their own usage with scope=me, and refuses them the organisation's", async () => {
    const own = await csv("groupBy=MODEL&scope=me", memberKey.secret);
    expect(own.response.status).toBe(200);
    const total = parse(own.text).at(-1)!;
    expect(Number(total[2])).toBe((await eventSums({ userId: member.user.id })).requests);
    const refused = await csv("groupBy=USER", member.accessToken);
    expect(refused.response.status).toBe(403);
    expect((await csv("groupBy=USER", "not-a-token")).response.status).toBe(401);
    expect((await csv("groupBy=NOPE", admin.accessToken)).response.status).toBe(400);
  });
});

describe("the rollup", () => {
  it("agrees with the histogram bounds of the code", async () => {
    const [row] = await app.database.owner.$queryRaw<
      { bounds: number[] }[]
    >`select app_first_token_bounds() as bounds`;
    expect(row?.bounds).toEqual([...FIRST_TOKEN_BOUNDS_MS]);
  });

  it("counts every one of many events recorded at once for the same user and model", async () => {
    const before = await report(["USER"]);
    const prior = before.rows.find((row) => row.key === admin.user.id)?.requests ?? 0;
    const orgId = await adminOrg();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        app.database.owner.tokenUsage.create({
          data: {
            orgId,
            userId: admin.user.id,
            model: "openai/gpt-4.1-mini",
            provider: "openai",
            promptTokens: 10,
            completionTokens: 5,
            estimatedCost: "0.0000100000",
            firstTokenMs: 120,
          },
        }),
      ),
    );
    const after = await report(["USER"]);
    expect(after.rows.find((row) => row.key === admin.user.id)?.requests).toBe(prior + 20);
    // Both rollups (per person, and per model for the organisation-wide charts) agree with the events.
    sameFigures(after.totals, await eventSums());
    sameFigures((await report(["DAY", "MODEL"])).totals, await eventSums());
  });
});

/** Polls a condition outside a test (hooks cannot use expect.poll). */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function adminOrg(): Promise<string> {
  const user = await app.database.owner.user.findFirst({
    where: { id: admin.user.id },
    select: { orgId: true },
  });
  return user!.orgId;
}

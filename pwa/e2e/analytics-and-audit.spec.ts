import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type APIRequestContext,
  type Download,
  expect,
  type Locator,
  type Page,
  type TestInfo,
  test,
} from "@playwright/test";
import { adminSections, expectNoSidewaysScroll, joinOrganization } from "./administration";
import { freshPage, goTo, graphql, organizationWithAdmin } from "./organizations";
import {
  expectAccessible,
  PASSWORD,
  register,
  screenshot,
  send,
  signIn,
  uniqueName,
  waitForAnswer,
} from "./support";

// Issue 17: the organisation's usage analytics (charts, tables, CSV) for its admins, everyone's own usage,
// and the audit log. Each test has an organisation of its own, so the figures are only its people's.

interface Totals {
  costUsd: number;
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

const screenshotDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../test-results/screenshots",
);

const TOTALS = "totals { costUsd requests promptTokens completionTokens }";

async function accessToken(request: APIRequestContext, login: string, password = PASSWORD): Promise<string> {
  const { login: grant } = await graphql<{ login: { accessToken: string } }>(
    request,
    "mutation ($input: LoginInput!) { login(input: $input) { accessToken } }",
    { input: { login, password } },
  );
  return grant.accessToken;
}

/**
 * Waits until every chat of the person has its title: the title is made by a call in the background after
 * the answer, recorded as usage before it is written, so only then are the person's figures complete.
 */
async function titlesWritten(request: APIRequestContext, token: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const data = await graphql<{ chats: { edges: { node: { title: string } }[] } }>(
          request,
          "{ chats(first: 50) { edges { node { title } } } }",
          {},
          token,
        );
        return data.chats.edges.filter((edge) => edge.node.title === "New Conversation").length;
      },
      { message: "chats still without a title", timeout: 30_000 },
    )
    .toBe(0);
}

/** The person's usage, once the calls their chats made in the background are recorded. */
async function myTotals(request: APIRequestContext, token: string): Promise<Totals> {
  await titlesWritten(request, token);
  const data = await graphql<{ myUsage: { totals: Totals } }>(
    request,
    `{ myUsage(groupBy: [DAY]) { ${TOTALS} } }`,
    {},
    token,
  );
  return data.myUsage.totals;
}

async function organizationTotals(
  request: APIRequestContext,
  token: string,
  filter?: Record<string, unknown>,
): Promise<Totals> {
  const data = await graphql<{ organizationUsage: { totals: Totals } }>(
    request,
    `query ($filter: UsageFilter) { organizationUsage(groupBy: [DAY], filter: $filter) { ${TOTALS} } }`,
    { filter: filter ?? null },
    token,
  );
  return data.organizationUsage.totals;
}

/** A chat with one answer from the fake provider. */
async function chat(page: Page, text: string): Promise<void> {
  await send(page, text);
  await waitForAnswer(page);
}

/** "$0.0042", "$1,234.50" → the number. */
const dollars = (text: string) => Number(text.replace(/[^0-9.-]/g, ""));

/** The UI rounds: below a dollar to four decimals (or two significant digits below $0.0001), else cents. */
function expectSameCost(shown: string, costUsd: number): void {
  const tolerance = costUsd < 0.0001 ? costUsd / 10 : costUsd < 1 ? 0.00005 : 0.005;
  expect(Math.abs(dollars(shown) - costUsd), `${shown} shows ${costUsd}`).toBeLessThanOrEqual(tolerance);
}

const totalFigure = (page: Page, name: "cost" | "requests" | "tokens") =>
  page.getByTestId("usage-totals").locator(`dd[data-total="${name}"]`);

async function expectTotalsShown(page: Page, totals: Totals): Promise<void> {
  await expect(totalFigure(page, "requests")).toHaveText(totals.requests.toLocaleString("en-US"));
  await expect(totalFigure(page, "tokens")).toHaveText(
    (totals.promptTokens + totals.completionTokens).toLocaleString("en-US"),
  );
  expectSameCost((await totalFigure(page, "cost").textContent()) ?? "", totals.costUsd);
}

/** Every chart (`count` of them) has drawn: a canvas with a size, in a picture that points to its table. */
async function expectChartsDrawn(page: Page, count: number): Promise<void> {
  const charts = page.locator(".usage-chart");
  await expect(charts).toHaveCount(count);
  for (let index = 0; index < count; index++) {
    const chart = charts.nth(index);
    await expect(chart).toHaveAttribute("role", "img");
    await expect(chart).toHaveAttribute("aria-label", /The table below it has the same numbers\.$/);
    const canvas = chart.locator("canvas");
    await expect(canvas).toHaveCount(1);
    const box = await canvas.boundingBox();
    expect(box?.width ?? 0, "canvas width").toBeGreaterThan(100);
    expect(box?.height ?? 0, "canvas height").toBeGreaterThan(50);
    // It fits the screen's width.
    const chartBox = await chart.boundingBox();
    expect((box?.width ?? 0) - (chartBox?.width ?? 0)).toBeLessThanOrEqual(1);
  }
}

/** Each usage card as a picture of its own (the page scrolls inside, so a screenshot shows only the top). */
async function chartScreenshots(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const cards = page.locator(".usage-card");
  for (let index = 0; index < (await cards.count()); index++) {
    await cards.nth(index).screenshot({
      path: path.join(screenshotDir, `${testInfo.project.name}-${name}-card-${index + 1}.png`),
    });
  }
}

/** A minimal CSV reader (quoted fields, doubled quotes): a header row and the rows under it. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let field = "";
  let row: string[] = [];
  let quoted = false;
  const body = text.replace(/^\uFEFF/, "");
  for (let index = 0; index < body.length; index++) {
    const char = body[index];
    if (quoted) {
      if (char === '"' && body[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && body[index + 1] === "\n") index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += char;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  const [header = [], ...data] = rows.filter((cells) => cells.some((cell) => cell !== ""));
  return data.map((cells) => Object.fromEntries(header.map((name, index) => [name, cells[index] ?? ""])));
}

async function downloaded(download: Download): Promise<string> {
  const file = await download.path();
  return readFile(file, "utf8");
}

/** A usage CSV: its rows, and the totals row the API ends it with (first column "total"). */
function usageCsv(text: string): { rows: Record<string, string>[]; total: Record<string, string> } {
  const all = parseCsv(text);
  const total = all.at(-1);
  expect(Object.values(total ?? {})[0], "the last row is the total").toBe("total");
  return { rows: all.slice(0, -1), total: total ?? {} };
}

const sum = (rows: Record<string, string>[], column: string) =>
  rows.reduce((total, row) => total + Number(row[column] ?? 0), 0);

/** An organisation of its own (so its figures and log are the test's alone) with an admin and a member. */
async function organizationWithMember(request: APIRequestContext, name: string) {
  const admin = uniqueName("boss");
  const member = uniqueName("member");
  await organizationWithAdmin(request, {
    organization: uniqueName(`${name} `),
    slug: uniqueName(`${name.toLowerCase()}-`),
    admin,
  });
  await joinOrganization(request, admin, member);
  return { admin, member };
}

async function openSection(
  page: Page,
  testInfo: Parameters<typeof goTo>[1],
  section: string,
  heading: string,
) {
  await goTo(page, testInfo, "Administration");
  await adminSections(page).getByRole("link", { name: section, exact: true }).click();
  await expect(page.getByRole("heading", { name: heading, level: 2 })).toBeVisible();
}

test("an admin's analytics add up to what the people's chats cost, in charts, tables and CSV", async ({
  page,
  browser,
  request,
}, testInfo) => {
  test.slow();
  const { admin, member } = await organizationWithMember(request, "Analytics");

  // uPlot is fetched by the analytics screen only: never on the first screen or in a chat.
  const chartCode: string[] = [];
  page.on("request", (sent) => {
    if (/uplot/i.test(new URL(sent.url()).pathname)) chartCode.push(sent.url());
  });

  await signIn(page, admin);
  await chat(page, "What does the analytics screen show?");
  const memberPage = await freshPage(browser, testInfo);
  await signIn(memberPage, member);
  await chat(memberPage, "Hello from a member");
  await chat(memberPage, "And a second question");
  await memberPage.context().close();
  expect(chartCode, "chart code on the first screen").toEqual([]);

  // What the GraphQL API says each of them used, and the organisation in total: the same.
  const adminToken = await accessToken(request, admin);
  const memberToken = await accessToken(request, member);
  const adminUsage = await myTotals(request, adminToken);
  const memberUsage = await myTotals(request, memberToken);
  expect(adminUsage.requests).toBeGreaterThan(0);
  expect(memberUsage.costUsd).toBeGreaterThan(0);
  const organization = await organizationTotals(request, adminToken);
  expect(organization.requests).toBe(adminUsage.requests + memberUsage.requests);
  expect(organization.costUsd).toBeCloseTo(adminUsage.costUsd + memberUsage.costUsd, 10);

  await openSection(page, testInfo, "Analytics", "Analytics");
  await expectTotalsShown(page, organization);
  await expect(page.getByTestId("organization-stats")).toContainText("Active in the last 7 days");
  await expect(page.getByTestId("organization-stats").locator("dd").first()).toHaveText("2");
  // Cost and tokens per day, top users, models, time to the first token.
  await expectChartsDrawn(page, 5);
  expect(chartCode.length, "uPlot loaded for the charts").toBeGreaterThan(0);

  // Each chart's table has the numbers: both people in the top users, the total row is the total.
  const users = page.getByRole("region", { name: "Table: Top users by cost" });
  await expect(users.getByRole("rowheader", { name: admin })).toBeVisible();
  await expect(users.getByRole("rowheader", { name: member })).toBeVisible();
  const userTotal = users.locator("tfoot tr");
  await expect(userTotal.locator("td").first()).toHaveText(organization.requests.toLocaleString("en-US"));
  const costPerDay = page.getByRole("region", { name: "Table: Cost per day" });
  await expect(costPerDay.getByRole("columnheader").first()).toHaveText("Day");

  // Split by provider: the same chart, its series now the providers.
  await page.locator("label.segmented-option", { hasText: "Provider" }).click();
  await expect(costPerDay.getByRole("columnheader", { name: "OpenAI" })).toBeVisible();
  await expectChartsDrawn(page, 5);
  await chartScreenshots(page, testInfo, "analytics");

  await expectAccessible(page, "analytics");
  await expectNoSidewaysScroll(page);
  await screenshot(page, testInfo, "analytics");

  // The CSV has the same totals.
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download CSV: Top users by cost" }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/^usage-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const { rows, total } = usageCsv(await downloaded(csv));
  expect(rows.map((row) => row.userLabel).sort()).toEqual([admin, member].sort());
  expect(sum(rows, "requests")).toBe(organization.requests);
  expect(sum(rows, "costUsd")).toBeCloseTo(organization.costUsd, 6);
  expect(Number(total.requests)).toBe(organization.requests);
  expect(Number(total.costUsd)).toBeCloseTo(organization.costUsd, 6);

  // Only the member: the figures are theirs.
  await page.locator("summary", { hasText: "People" }).click();
  await page.getByRole("checkbox", { name: member }).check();
  await expectTotalsShown(page, memberUsage);
  await expect(users.getByRole("rowheader", { name: admin })).toHaveCount(0);

  // In the dark theme too, the screen passes axe and the charts are drawn again.
  await page.evaluate(() => {
    document.documentElement.dataset.theme = "dark";
  });
  await expectChartsDrawn(page, 5);
  await expectAccessible(page, "analytics, dark");
  await chartScreenshots(page, testInfo, "analytics-dark");
});

test("a member sees their own usage, downloads it, and cannot open the audit log", async ({
  page,
  request,
}, testInfo) => {
  const username = await register(page);
  await chat(page, "Please count what I spend");
  const token = await accessToken(request, username);
  const own = await myTotals(request, token);
  expect(own.requests).toBeGreaterThan(0);

  await goTo(page, testInfo, "My usage");
  await expectTotalsShown(page, own);
  // Cost and tokens per day, models, time to the first token: no top users.
  await expectChartsDrawn(page, 4);
  await expect(page.getByRole("region", { name: "Table: Models by cost" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Table: Tokens per day" })).toBeVisible();
  // The organisation's people are not theirs to see.
  await expect(page.getByRole("heading", { name: "Top users by cost" })).toHaveCount(0);
  await expectAccessible(page, "my usage");
  await expectNoSidewaysScroll(page);
  await screenshot(page, testInfo, "my-usage");

  // Fetched with the session's token (a plain link would carry none), then saved.
  const [csv, exported] = await Promise.all([
    page.waitForEvent("download"),
    page.waitForRequest((sent) => new URL(sent.url()).pathname === "/export/usage.csv"),
    page.getByRole("button", { name: "Download CSV: Tokens per day" }).click(),
  ]);
  expect(new URL(exported.url()).searchParams.get("scope")).toBe("me");
  expect(new URL(exported.url()).searchParams.get("groupBy")).toBe("DAY");
  expect(await exported.headerValue("authorization")).toMatch(/^Bearer \S+$/);
  expect(csv.suggestedFilename()).toMatch(/^usage-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const { rows, total } = usageCsv(await downloaded(csv));
  expect(rows.length).toBeGreaterThan(0);
  expect(sum(rows, "requests")).toBe(own.requests);
  expect(Number(total.costUsd)).toBeCloseTo(own.costUsd, 6);

  // A custom period before any chat: nothing.
  await page.getByLabel("Period").selectOption("custom");
  await page.getByLabel("First day").fill("2020-01-01");
  await page.getByLabel("Last day").fill("2020-01-31");
  await expect(totalFigure(page, "requests")).toHaveText("0");
  await expect(page.getByText("No usage in this period.").first()).toBeVisible();

  // No audit log, neither in the administration nor through the API.
  await page.goto("/admin/audit");
  await expect(page.getByRole("alert")).toHaveText("Only admins of your organisation administer it.");
  await expect(page.getByRole("heading", { name: "Audit log" })).toHaveCount(0);
  const response = await request.post("/graphql", {
    data: { query: "{ auditLog(first: 1) { edges { node { id } } } }" },
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  expect(body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
});

/** The entries of the audit log on the screen. */
const auditEntries = (page: Page): Locator =>
  page.getByRole("list", { name: "Entries, newest first" }).getByRole("listitem");

test("the audit log shows sign-ins with their outcome and address, filters, details and an intact chain", async ({
  page,
  browser,
  request,
}, testInfo) => {
  test.slow();
  const { admin, member } = await organizationWithMember(request, "Audit");
  // Someone tries the member's account many times (through the API): more than a page of the log.
  for (let attempt = 0; attempt < 55; attempt++) {
    await request.post("/graphql", {
      data: {
        query: "mutation ($input: LoginInput!) { login(input: $input) { accessToken } }",
        variables: { input: { login: member, password: `wrong ${attempt}` } },
      },
    });
  }
  // The member mistypes their password once, then signs in.
  const memberPage = await freshPage(browser, testInfo);
  await signIn(memberPage, member, "not the password");
  await expect(memberPage.getByRole("alert")).toHaveText("Wrong username, e-mail or password.");
  await signIn(memberPage, member);
  await expect(memberPage.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  await memberPage.context().close();

  await signIn(page, admin);
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  await openSection(page, testInfo, "Audit log", "Audit log");
  const aboutMember = page.getByRole("button", { name: `Show only entries about ${member}`, exact: true });
  const memberSignedIn = auditEntries(page)
    .filter({ hasText: "Sign-in" })
    .filter({ hasText: "Success" })
    .filter({ has: aboutMember });
  await expect(memberSignedIn.first()).toBeVisible();
  await expect(memberSignedIn.first()).toContainText(/127\.0\.0\.1/);
  await expect(
    auditEntries(page).filter({ hasText: "Sign-in" }).filter({ hasText: "Failure" }).first(),
  ).toBeVisible();
  await expectAccessible(page, "audit log");
  await expectNoSidewaysScroll(page);
  await screenshot(page, testInfo, "audit-log");

  // Only what concerns the member, and of that only the failures: more than one page, loaded as the
  // list is scrolled to its end.
  await memberSignedIn
    .first()
    .getByRole("button", { name: `Show only entries about ${member}` })
    .click();
  await expect(page.getByText(`Only about ${member}`, { exact: true })).toBeVisible();
  await expect(
    auditEntries(page).filter({ hasText: "Sign-in" }).filter({ hasText: "Success" }).first(),
  ).toBeVisible();
  await page.getByLabel("Outcome", { exact: true }).selectOption("FAILURE");
  await expect(auditEntries(page).filter({ hasText: "Success" })).toHaveCount(0);
  await expect(auditEntries(page)).toHaveCount(50);
  await page.locator(".audit-end").scrollIntoViewIfNeeded();
  await expect(auditEntries(page)).toHaveCount(56);
  await expect(page.getByText("No older entries.")).toBeVisible();
  const outcomes = await page
    .locator(".audit-entry")
    .evaluateAll((items) => items.map((item) => item.getAttribute("data-outcome")));
  expect(new Set(outcomes)).toEqual(new Set(["FAILURE"]));

  // The CSV of what the filter shows: the same 56 failures.
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download CSV: Audit log" }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/^audit-[\d-]+\.csv$/);
  const rows = parseCsv(await downloaded(csv));
  expect(rows.length).toBe(56);
  expect(new Set(rows.map((row) => `${row.action} ${row.outcome}`.toLowerCase()))).toEqual(
    new Set(["auth.sign_in failure"]),
  );

  // The details of the newest failure (the member's own mistyped password), opened with the keyboard.
  const newest = auditEntries(page).first().getByRole("button").first();
  await page.evaluate(() => window.scrollTo(0, 0));
  await newest.focus();
  await page.keyboard.press("Enter");
  const details = page.getByRole("dialog");
  await expect(details).toBeVisible();
  await expect(details).toContainText("Sign-in");
  await expect(details).toContainText("auth.sign_in");
  await expect(details).toContainText("Failure");
  await expect(details).toContainText("wrong password");
  await expect(details).toContainText(/IP address\s*(::ffff:)?127\.0\.0\.1/);
  await expect(details).toContainText("Browser (user agent)");
  await expect(details).toContainText("Time (UTC)");
  await expectAccessible(page, "audit entry details");
  await page.keyboard.press("Escape");
  await expect(details).toBeHidden();
  await expect(newest).toBeFocused();

  // Free text: the reason of the failures; then "show only this" for an actor, the admin.
  await page.getByRole("button", { name: `Remove the filter “Only about ${member}”` }).click();
  await page.getByLabel("Outcome", { exact: true }).selectOption("");
  await page.getByLabel("Search", { exact: true }).fill("wrong password");
  await expect(auditEntries(page).first()).toContainText("Failure");
  await expect(auditEntries(page).filter({ hasText: "Success" })).toHaveCount(0);
  await page.getByLabel("Search", { exact: true }).fill("");
  await page
    .getByRole("button", { name: `Show only entries by ${admin}`, exact: true })
    .first()
    .click();
  await expect(page.getByText(`Only by ${admin}`, { exact: true })).toBeVisible();
  await expect(auditEntries(page).filter({ hasNotText: `By: ${admin}` })).toHaveCount(0);
  await expect(auditEntries(page).first()).toBeVisible();

  // The chain of entries is intact.
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: /^Chain intact: [\d,]+ entries checked\.$/ }),
  ).toBeVisible();
});

test("the analytics period: a week, a custom one that is refused when reversed; the sections by keyboard", async ({
  page,
  request,
}, testInfo) => {
  const admin = uniqueName("boss");
  await organizationWithAdmin(request, {
    organization: uniqueName("Keys "),
    slug: uniqueName("keys-"),
    admin,
  });
  await signIn(page, admin);
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  await openSection(page, testInfo, "Analytics", "Analytics");
  // The period with the keyboard: a select, then the split of the cost chart with the arrow keys.
  await page.getByLabel("Period").focus();
  await page.getByLabel("Period").selectOption("days7");
  await expect(totalFigure(page, "requests")).toHaveText("0");
  await page.getByLabel("Period").selectOption("custom");
  await page.getByLabel("First day").fill("2026-03-05");
  await page.getByLabel("Last day").fill("2026-03-01");
  await expect(
    page.getByText("Choose a first and a last day; the last one may not come before the first."),
  ).toBeVisible();
  await expectAccessible(page, "analytics, custom period");
  await adminSections(page).getByRole("link", { name: "Audit log", exact: true }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Audit log", level: 2 })).toBeVisible();
  await expect(auditEntries(page).first()).toBeVisible();
});

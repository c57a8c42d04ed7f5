import { type BrowserContext, expect, type Page, type Request, test } from "@playwright/test";
import persistedDocuments from "../src/gql/persisted-documents.json" with { type: "json" };
import {
  assistantMessages,
  lastAnswer,
  openChatList,
  register,
  send,
  waitForAnswer,
  waitForServiceWorker,
} from "./support";

// Two tabs of one browser share the refresh cookie and the device's outbox.

// A refresh names its operation, or (a build with persisted operations) only the operation's hash.
const refreshHash = Object.entries(persistedDocuments as Record<string, string>).find(([, text]) =>
  text.includes("mutation RefreshSession"),
)?.[0];
const isRefresh = (request: { method(): string; postData(): string | null }) => {
  const body = request.postData() ?? "";
  return (
    request.method() === "POST" &&
    (body.includes("RefreshSession") || (refreshHash !== undefined && body.includes(refreshHash)))
  );
};

const userMessages = (page: Page) => page.locator("article.message--user .message-body");

/** Watches the refresh requests of every tab: how many, and whether two were ever in flight at once. */
function watchRefreshes(context: BrowserContext) {
  const inFlight = new Set<Request>();
  let count = 0;
  let overlapped = false;
  context.on("request", (request) => {
    if (!isRefresh(request)) return;
    if (inFlight.size > 0) overlapped = true;
    inFlight.add(request);
    count++;
  });
  const done = (request: Request) => inFlight.delete(request);
  context.on("requestfinished", done);
  context.on("requestfailed", done);
  return {
    count: () => count,
    open: () => inFlight.size,
    overlapped: () => overlapped,
    /** Counts afresh from here. */
    reset: () => {
      count = 0;
      overlapped = false;
    },
  };
}

/** Whether the tab holds an access token that lasts (it refreshed, or took another tab's grant). */
const hasFreshToken = (page: Page) =>
  page.evaluate(() => {
    const token = JSON.parse(sessionStorage.getItem("xqt5.accessToken") ?? "null");
    return token !== null && Date.parse(token.accessTokenExpiresAt) > Date.now() + 60_000;
  });

/** The tab's access token has expired: its next start must refresh. */
async function expireAccessToken(page: Page): Promise<void> {
  await page.evaluate(() => {
    const key = "xqt5.accessToken";
    const token = JSON.parse(sessionStorage.getItem(key) ?? "null");
    if (token) sessionStorage.setItem(key, JSON.stringify({ ...token, accessTokenExpiresAt: new Date(0) }));
  });
}

async function expectSignedIn(page: Page): Promise<void> {
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in" })).toHaveCount(0);
}

test("two tabs refreshing the same session at once stay signed in and can chat", async ({
  page,
  context,
}) => {
  await register(page);
  const second = await context.newPage();
  const refreshes = watchRefreshes(context);
  // Settled: no refresh on its way, and both tabs hold a token that lasts.
  const settled = async () =>
    refreshes.open() === 0 && (await hasFreshToken(page)) && (await hasFreshToken(second));
  // The second tab starts with the cookie alone, so it refreshes; it shows the chat before that
  // refresh is back. Left on its way, the refresh would hand both tabs of the first round a grant.
  await second.goto("/");
  await expectSignedIn(second);
  await expect.poll(settled).toBe(true);
  refreshes.reset();
  // A slow network: each refresh is on its way for a while, so two tabs starting together would overlap.
  await context.route("**/graphql", async (route) => {
    if (isRefresh(route.request())) {
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await route.fallback();
  });

  // Twice, so that the second round shows the session survived the first on the server.
  for (let round = 0; round < 2; round++) {
    await Promise.all([expireAccessToken(page), expireAccessToken(second)]);
    await Promise.all([page.reload(), second.reload()]);
    await expectSignedIn(page);
    await expectSignedIn(second);
    // A tab reloaded while its refresh is on its way lets go of the lock, but not of the request
    // (it is keepalive): that case is the server's grace window's, not this test's.
    await expect.poll(settled).toBe(true);
  }
  expect(refreshes.count()).toBeGreaterThanOrEqual(2);
  expect(refreshes.overlapped()).toBe(false);

  await send(page, "Written in the first tab");
  await waitForAnswer(page);
  await expect(lastAnswer(page)).toContainText("Written in the first tab");
  await send(second, "Written in the second tab");
  await waitForAnswer(second);
  await expect(lastAnswer(second)).toContainText("Written in the second tab");
});

test("two tabs queueing messages offline lose none, and each is sent once, in order", async ({
  page,
  context,
}, testInfo) => {
  await register(page);
  await waitForServiceWorker(page);
  await send(page, "Chat X begins");
  await waitForAnswer(page);
  const chatX = new URL(page.url()).pathname;
  await page.goto("/");
  await send(page, "Chat Y begins");
  await waitForAnswer(page);
  const chatY = new URL(page.url()).pathname;

  // The second tab has seen both chats, so it can show them offline; both tabs then show chat X.
  const second = await context.newPage();
  await second.goto(chatY);
  await expect(userMessages(second)).toHaveText(["Chat Y begins"]);
  await second.goto(chatX);
  await expect(userMessages(second)).toHaveText(["Chat X begins"]);
  await page.goto(chatX);
  await expect(userMessages(page)).toHaveText(["Chat X begins"]);

  await context.setOffline(true);
  await send(page, "X one, first tab");
  await send(second, "X two, second tab");
  await send(page, "X three, first tab");
  await send(second, "X four, second tab");
  const chatXWritten = [
    "Chat X begins",
    "X one, first tab",
    "X two, second tab",
    "X three, first tab",
    "X four, second tab",
  ];
  // Every tab shows the messages of every tab.
  await expect(userMessages(page)).toHaveText(chatXWritten);
  await expect(userMessages(second)).toHaveText(chatXWritten);

  await openChatList(second, testInfo);
  await second.getByRole("navigation", { name: "Chats" }).locator(`a[href="${chatY}"]`).click();
  await expect(userMessages(second)).toHaveText(["Chat Y begins"]);
  await send(second, "Y one, second tab");
  await expect(userMessages(second)).toHaveText(["Chat Y begins", "Y one, second tab"]);
  for (const tab of [page, second]) {
    await expect(tab.getByText("5 message(s) waiting to be sent")).toBeVisible();
  }

  await context.setOffline(false);
  await Promise.all([page, second].map((tab) => tab.evaluate(() => dispatchEvent(new Event("online")))));
  for (const tab of [page, second]) await expect(tab.locator("article.message--pending")).toHaveCount(0);

  // What the server has: every message once, in the order written, each answered once.
  await page.reload();
  await expect(userMessages(page)).toHaveText(chatXWritten);
  await expect(assistantMessages(page)).toHaveCount(5);
  await waitForAnswer(page);
  await second.reload();
  await expect(userMessages(second)).toHaveText(["Chat Y begins", "Y one, second tab"]);
  await expect(assistantMessages(second)).toHaveCount(2);
});

import { expect, type Page, test } from "@playwright/test";
import { assistantMessages, lastAnswer, register, screenshot, send, waitForAnswer } from "./support";

// Stop, resume after the page was hidden mid-answer, regenerate, edit-and-resend, copy.

const LONG_SLOW = "Tell me everything [[fake:slow]] [[fake:long]]";

/** The numbers of the "Paragraph N:" lines of the long fake answer shown so far. */
async function paragraphNumbers(page: Page): Promise<number[]> {
  const text = (await lastAnswer(page).textContent()) ?? "";
  return [...text.matchAll(/Paragraph (\d+):/g)].map((match) => Number(match[1]));
}

async function setVisibility(page: Page, state: "hidden" | "visible"): Promise<void> {
  await page.evaluate((value) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => value });
    document.dispatchEvent(new Event("visibilitychange"));
  }, state);
}

test("stop keeps the partial answer, also after a reload", async ({ page }, testInfo) => {
  await register(page);
  await send(page, LONG_SLOW);
  await expect(lastAnswer(page)).toContainText("Paragraph 2:");
  await page.locator("form.composer").getByRole("button", { name: "Stop" }).click();
  await waitForAnswer(page, "STOPPED");
  await expect(lastAnswer(page)).toContainText("Stopped");
  const stoppedText = await lastAnswer(page).locator(".message-body").textContent();
  await page.waitForTimeout(1_000);
  expect(await lastAnswer(page).locator(".message-body").textContent()).toBe(stoppedText);
  await screenshot(page, testInfo, "chat-stopped");

  await page.reload();
  await waitForAnswer(page, "STOPPED");
  expect(await lastAnswer(page).locator(".message-body").textContent()).toBe(stoppedText);
});

test("an answer continues without duplicates or gaps after the page was hidden and offline", async ({
  page,
  context,
}) => {
  const streamRequests: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/graphql/stream")) streamRequests.push(request.url());
  });
  await register(page);
  await send(page, LONG_SLOW);
  await expect(lastAnswer(page)).toContainText("Paragraph 3:");

  await setVisibility(page, "hidden");
  await context.setOffline(true);
  const before = Math.max(...(await paragraphNumbers(page)));
  await page.waitForTimeout(2_000);
  await context.setOffline(false);
  await setVisibility(page, "visible");

  await expect
    .poll(async () => Math.max(...(await paragraphNumbers(page))), { timeout: 20_000 })
    .toBeGreaterThan(before + 4);
  const numbers = await paragraphNumbers(page);
  expect(numbers).toEqual(numbers.map((_, index) => index + 1));
  expect(streamRequests.length).toBeGreaterThanOrEqual(2);

  await page.locator("form.composer").getByRole("button", { name: "Stop" }).click();
  await waitForAnswer(page, "STOPPED");
});

test("a stream the server ends before the answer is done is followed again at once, without duplicates or gaps", async ({
  page,
}) => {
  const streamRequests: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/graphql/stream")) streamRequests.push(request.url());
  });
  await register(page);
  // The first subscription ends after the first words, without a final event — as when the server
  // shuts down and the answer goes on on another replica.
  let ended = false;
  await page.route("**/graphql/stream", async (route) => {
    if (ended) return route.fallback();
    ended = true;
    const { messageId } = route.request().postDataJSON().variables;
    const first = {
      data: { messageStream: { __typename: "MessageDelta", messageId, text: "Grüße 👋 … a long" } },
    };
    await route.fulfill({
      status: 200,
      headers: { "content-type": "text/event-stream" },
      body: `event: next\ndata: ${JSON.stringify(first)}\n\nevent: complete\ndata:\n\n`,
    });
  });
  await send(page, LONG_SLOW);
  // Long before the 45-second watchdog would have restarted it.
  await expect(lastAnswer(page)).toContainText("Paragraph 3:", { timeout: 10_000 });
  expect(ended).toBe(true);
  expect(streamRequests.length).toBeGreaterThanOrEqual(2);
  const numbers = await paragraphNumbers(page);
  expect(numbers).toEqual(numbers.map((_, index) => index + 1));
  const text = (await lastAnswer(page).textContent()) ?? "";
  expect(text.match(/Grüße/g)).toHaveLength(1);

  await page.locator("form.composer").getByRole("button", { name: "Stop" }).click();
  await waitForAnswer(page, "STOPPED");
  const shown = await lastAnswer(page).locator(".message-body").textContent();
  await page.reload();
  await waitForAnswer(page, "STOPPED");
  expect(await lastAnswer(page).locator(".message-body").textContent()).toBe(shown);
});

test("regenerate replaces the last answer; edit-and-resend replaces the last turn", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await register(page);
  await send(page, "First question");
  await waitForAnswer(page);

  await lastAnswer(page).getByRole("button", { name: "Copy answer" }).click();
  await expect(lastAnswer(page).getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain("First question");

  await lastAnswer(page).getByRole("button", { name: "Regenerate" }).click();
  await waitForAnswer(page);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(lastAnswer(page)).toContainText("First question");

  await page.getByRole("button", { name: "Edit message" }).click();
  await page.getByLabel("Edit message").fill("Edited question");
  await page.getByRole("button", { name: "Save and resend" }).click();
  await expect(lastAnswer(page)).toContainText("Edited question");
  await waitForAnswer(page);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(page.locator("article.message--user")).toHaveCount(1);
  await expect(page.locator("article.message--user")).toContainText("Edited question");

  await page.reload();
  await expect(page.locator("article.message--user")).toHaveText(/Edited question/);
  await expect(assistantMessages(page)).toHaveCount(1);
});

test("while a regenerate is on its way the turn cannot change again, so it ends with one answer", async ({
  page,
}) => {
  await register(page);
  await send(page, "First question");
  await waitForAnswer(page);

  // Hold the regenerate's response (the server has already replaced the answer) until released.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/graphql", async (route) => {
    if (!route.request().postData()?.includes("RegenerateMessage")) return route.fallback();
    const response = await route.fetch();
    await released;
    await route.fulfill({ response });
  });
  await lastAnswer(page).getByRole("button", { name: "Regenerate" }).click();
  await expect(page.getByRole("button", { name: "Edit message" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Regenerate" })).toHaveCount(0);
  release();

  await page.getByRole("button", { name: "Edit message" }).click();
  await page.getByLabel("Edit message").fill("Edited question");
  await page.getByRole("button", { name: "Save and resend" }).click();
  await expect(lastAnswer(page)).toContainText("Edited question");
  await waitForAnswer(page);
  await expect(assistantMessages(page)).toHaveCount(1);
  await page.reload();
  await expect(lastAnswer(page)).toContainText("Edited question");
  await expect(assistantMessages(page)).toHaveCount(1);
});

test("a failing provider shows the error on the answer", async ({ page }) => {
  await register(page);
  await send(page, "This will break [[fake:error]]");
  await waitForAnswer(page, "FAILED");
  await expect(lastAnswer(page).getByRole("alert")).toContainText("The answer failed");
});

import { expect, test } from "@playwright/test";
import {
  assistantMessages,
  lastAnswer,
  openChatList,
  register,
  screenshot,
  send,
  waitForAnswer,
  waitForServiceWorker,
} from "./support";

// The journey: register → new chat → send → answer streams in → reload → still there → offline →
// reload → chats readable → type offline → pending → online → sent once and answered.

test("a chat survives reloads, reads offline and sends what was typed offline exactly once", async ({
  page,
  context,
}, testInfo) => {
  await register(page);
  await waitForServiceWorker(page);
  await screenshot(page, testInfo, "welcome");

  await send(page, "Hello from the journey [[fake:slow]]");
  await expect(page).toHaveURL(/\/chats\/[0-9a-f-]+$/);
  const answer = lastAnswer(page);
  await expect(answer).toHaveAttribute("data-status", "STREAMING");
  await expect(answer).toContainText("you wrote");
  await screenshot(page, testInfo, "chat-streaming");
  await waitForAnswer(page);
  await expect(answer).toContainText("That is all — done");
  const chatUrl = page.url();
  await screenshot(page, testInfo, "chat");

  await page.reload();
  await expect(page.getByText("Hello from the journey [[fake:slow]]")).toBeVisible();
  await expect(lastAnswer(page)).toContainText("That is all — done");

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByText("You are offline.")).toBeVisible();
  await expect(lastAnswer(page)).toContainText("That is all — done");
  await openChatList(page, testInfo);
  const chatLink = page.getByRole("navigation", { name: "Chats" }).getByRole("list").getByRole("link");
  await expect(chatLink.first()).toBeVisible();
  await screenshot(page, testInfo, "offline-chat-list");
  await chatLink.first().click();
  await expect(page).toHaveURL(chatUrl);

  await send(page, "Typed while offline");
  const pending = page.locator("article.message--pending");
  await expect(pending).toContainText("Typed while offline");
  await expect(pending).toContainText("Pending");
  await screenshot(page, testInfo, "offline-outbox");

  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await expect(pending).toHaveCount(0);
  await expect(assistantMessages(page)).toHaveCount(2);
  await waitForAnswer(page);
  await expect(lastAnswer(page)).toContainText("Typed while offline");

  await page.reload();
  await expect(page.locator("article.message--user", { hasText: "Typed while offline" })).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(2);
});

test("a new chat started offline is created and answered when the connection is back, once", async ({
  page,
  context,
}, testInfo) => {
  await register(page);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.reload();
  await expect(
    page.getByText(
      "No connection: the new chat and its first message are sent as soon as you are back online.",
    ),
  ).toBeVisible();

  await send(page, "Started while offline");
  await expect(page).toHaveURL(/\/chats\/[0-9a-f-]{36}$/);
  const chatUrl = page.url();
  const pending = page.locator("article.message--pending");
  await expect(pending).toContainText("Started while offline");
  await expect(pending).toContainText("Pending");
  await screenshot(page, testInfo, "offline-new-chat");

  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await expect(pending).toHaveCount(0);
  await waitForAnswer(page);
  await expect(lastAnswer(page)).toContainText("Started while offline");

  await page.reload();
  await expect(page).toHaveURL(chatUrl);
  await expect(page.locator("article.message--user", { hasText: "Started while offline" })).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(1);
  await openChatList(page, testInfo);
  await expect(
    page.getByRole("navigation", { name: "Chats" }).locator(`a[href="${new URL(chatUrl).pathname}"]`),
  ).toBeVisible();
});

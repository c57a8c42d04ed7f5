import { expect, test } from "@playwright/test";
import { seedLongChat } from "../scripts/seed-chat";
import { PASSWORD } from "./support";

// A long chat opens at its last message and loads earlier pages on demand (a click, or scrolling up to
// them), keeping the reader's place.

test("a long chat opens at the end and pages backwards", async ({ page, baseURL }) => {
  const seeded = await seedLongChat(baseURL ?? "", 40);
  expect(seeded.password).toBe(PASSWORD);
  await page.goto("/");
  await page.getByLabel("Username or e-mail").fill(seeded.username);
  await page.getByLabel("Password").fill(seeded.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  await page.goto(`/chats/${seeded.chatId}`);

  const answers = page.locator("article.message--assistant");
  await expect(answers.last()).toContainText(seeded.lastText);
  await expect(answers.last()).toBeInViewport();
  const firstPage = await page.locator("article.message").count();
  expect(firstPage).toBeLessThan(80);

  const firstShown = page.locator("article.message").first();
  const firstText = await firstShown.textContent();
  await page.getByRole("button", { name: "Load earlier messages" }).click();
  await expect.poll(() => page.locator("article.message").count()).toBeGreaterThan(firstPage);
  // The message that was on top is still where the reader left it, not scrolled away.
  await expect(page.locator("article.message", { hasText: firstText ?? "" }).first()).toBeInViewport();

  // Scrolling up to the top loads the page before it without a click.
  const beforeScrolling = await page.locator("article.message").count();
  await page.locator(".messages").evaluate((element) => element.scrollTo({ top: 0 }));
  await expect.poll(() => page.locator("article.message").count()).toBeGreaterThan(beforeScrolling);

  while (await page.getByRole("button", { name: "Load earlier messages" }).isVisible()) {
    await page.getByRole("button", { name: "Load earlier messages" }).click();
    await page.waitForTimeout(200);
  }
  await expect(page.locator("article.message")).toHaveCount(80);
  await expect(page.locator("article.message").first()).toContainText("Bench message number 1");
});

import { expect, type Locator, type Page, test } from "@playwright/test";
import { isPhone, lastAnswer, PASSWORD, register, uniqueName, waitForAnswer } from "./support";

// The whole journey with the keyboard alone: Tab to reach, Enter/Space to act, Escape to close.

async function tabTo(page: Page, target: Locator, maxPresses = 40): Promise<void> {
  for (let press = 0; press < maxPresses; press++) {
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
}

test("register, chat, copy, open settings and sign out with the keyboard only", async ({
  page,
  context,
}, testInfo) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const username = uniqueName("keys");
  await page.goto("/");
  await tabTo(page, page.getByRole("button", { name: "No account yet? Create one" }));
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByLabel("Username"));
  await page.keyboard.type(username);
  await page.keyboard.press("Tab");
  await page.keyboard.type(`${username}@example.com`);
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();

  await tabTo(page, page.getByLabel("Message", { exact: true }));
  await page.keyboard.type("Typed with the keyboard");
  await page.keyboard.press("Enter");
  await waitForAnswer(page);
  await expect(lastAnswer(page)).toContainText("Typed with the keyboard");

  await tabTo(page, lastAnswer(page).getByRole("button", { name: "Copy answer" }));
  await page.keyboard.press("Enter");
  await expect(lastAnswer(page).getByRole("button", { name: "Copied" })).toBeVisible();

  if (isPhone(testInfo)) {
    const menu = page.getByRole("button", { name: "Open chat list" });
    await tabTo(page, menu);
    await page.keyboard.press("Enter");
    await expect(page.getByLabel("Search chats")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("navigation", { name: "Chats" })).toBeHidden();
    await expect(menu).toBeFocused();
    await page.keyboard.press("Enter");
  }
  await tabTo(page, page.getByRole("navigation", { name: "Chats" }).getByRole("link", { name: "Settings" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();

  await tabTo(page, page.getByRole("button", { name: "Sign out", exact: true }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  await tabTo(page, page.getByLabel("Username or e-mail"));
  await page.keyboard.type(username);
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("banner").getByRole("link", { name: username })).toBeVisible();
});

test("the skip link jumps to the conversation", async ({ page }) => {
  await register(page);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Skip to the conversation" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
});

import { expect, type Page, test } from "@playwright/test";
import {
  lastAnswer,
  openChatList,
  PASSWORD,
  register,
  send,
  waitForAnswer,
  waitForServiceWorker,
} from "./support";

// The account in the settings: usage this month, a new password (other devices are signed out), and
// signing out on all devices.

const NEW_PASSWORD = "a brand new password 2026";

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Username or e-mail").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function openSettings(page: Page, testInfo: Parameters<typeof openChatList>[1]): Promise<void> {
  await openChatList(page, testInfo);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
}

test("a new password signs out the other devices; sign out on all devices ends every session", async ({
  page,
  browser,
}, testInfo) => {
  const username = await register(page);
  // A second device of the same person.
  const otherContext = await browser.newContext({ baseURL: testInfo.project.use.baseURL, locale: "en-US" });
  const otherDevice = await otherContext.newPage();
  await signIn(otherDevice, username, PASSWORD);
  await expect(otherDevice.getByRole("heading", { name: "How can I help?" })).toBeVisible();

  await openSettings(page, testInfo);
  await expect(page.getByRole("heading", { name: "Usage this month" })).toBeVisible();
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Other devices have been signed out.")).toBeVisible();

  // The other device is signed out at its next request; the old password no longer works, the new one does.
  await otherDevice.reload();
  await expect(otherDevice.getByText("Your session has ended. Please sign in again.")).toBeVisible();
  await signIn(otherDevice, username, PASSWORD);
  await expect(otherDevice.getByRole("alert")).toContainText("Wrong username, e-mail or password.");
  await signIn(otherDevice, username, NEW_PASSWORD);
  await expect(otherDevice.getByRole("heading", { name: "How can I help?" })).toBeVisible();

  // This device still works after the change; then it signs out everywhere.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out on all devices" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await otherDevice.reload();
  await expect(otherDevice.getByText("Your session has ended. Please sign in again.")).toBeVisible();
  await otherContext.close();
});

test("a message waiting offline survives the end of the session and is sent after signing in again", async ({
  page,
  context,
  browser,
}, testInfo) => {
  const username = await register(page);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await send(page, "Written before the session ended");
  await expect(page.locator("article.message--pending")).toContainText("Written before the session ended");

  // Meanwhile, on another device, the person signs out everywhere: this device's session is over.
  const otherContext = await browser.newContext({ baseURL: testInfo.project.use.baseURL, locale: "en-US" });
  const otherDevice = await otherContext.newPage();
  await signIn(otherDevice, username, PASSWORD);
  await openSettings(otherDevice, testInfo);
  await otherDevice.getByRole("button", { name: "Sign out on all devices" }).click();
  await expect(otherDevice.getByRole("button", { name: "Sign in" })).toBeVisible();
  await otherContext.close();

  await context.setOffline(false);
  // The browser's own "online" may already have sent the app into its sign-out reload.
  await page.evaluate(() => window.dispatchEvent(new Event("online"))).catch(() => {});
  await expect(page.getByText("Your session has ended. Please sign in again.")).toBeVisible();
  await page.getByLabel("Username or e-mail").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();

  await waitForAnswer(page);
  await expect(lastAnswer(page)).toContainText("Written before the session ended");
  await expect(page.locator("article.message--pending")).toHaveCount(0);
});

import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import {
  expectAccessible,
  lastAnswer,
  openChatList,
  PASSWORD,
  register,
  screenshot,
  send,
  signIn,
  waitForAnswer,
  waitForServiceWorker,
} from "./support";

// The account in the settings: usage this month, a new password (other devices are signed out), and
// signing out on all devices; both offer to revoke the API keys too, and say what they did.

const NEW_PASSWORD = "a brand new password 2026";

async function openSettings(page: Page, testInfo: Parameters<typeof openChatList>[1]): Promise<void> {
  await openChatList(page, testInfo);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
}

/** Creates an API key of the signed-in user (there is no screen for that in the app); returns its secret. */
async function createApiKey(page: Page, name: string): Promise<string> {
  return page.evaluate(async (keyName) => {
    const token = JSON.parse(sessionStorage.getItem("xqt5.accessToken") ?? "{}").accessToken;
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: "mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }",
        variables: { input: { name: keyName } },
      }),
    });
    const body = await response.json();
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data.createApiKey.secret as string;
  }, name);
}

/** Whom an API key signs in as, or the error code it gets. */
async function apiKeyUser(request: APIRequestContext, secret: string): Promise<string> {
  const response = await request.post("/graphql", {
    headers: { authorization: `Bearer ${secret}` },
    data: { query: "{ me { username } }" },
  });
  const body = await response.json();
  return body.data?.me.username ?? body.errors?.[0]?.extensions?.code;
}

async function signOutEverywhere(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out on all devices" }).click();
  const dialog = page.getByRole("dialog", { name: "Sign out on all devices" });
  await expect(dialog).toContainText("This ends your session on every device, this one included.");
  // The app reloads once the session is over (src/main.tsx); closing the page in the middle of that
  // reload can hang Chromium, and the sign-in screen is already visible before it.
  const reloaded = page.waitForEvent("load");
  await dialog.getByRole("button", { name: "Sign out on all devices" }).click();
  await reloaded;
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
  // Without API keys there is nothing to revoke, and nothing said about them.
  await expect(page.getByRole("checkbox", { name: "Also revoke my API keys" })).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: "Password changed." })).toHaveText(
    "Password changed. Your other devices were signed out.",
  );

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
  await signOutEverywhere(page);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Signed out" })).toHaveText(
    "Signed out on all devices.",
  );
  await otherDevice.reload();
  await expect(otherDevice.getByText("Your session has ended. Please sign in again.")).toBeVisible();
  await otherContext.close();
});

test("a new password keeps the API keys when asked to; signing out everywhere revokes them by default", async ({
  page,
  request,
}, testInfo) => {
  const username = await register(page);
  const first = await createApiKey(page, "Reporting job");
  const second = await createApiKey(page, "Backup job");
  expect(await apiKeyUser(request, first)).toBe(username);

  await openSettings(page, testInfo);
  const keepOrRevoke = page.getByRole("checkbox", { name: "Also revoke my API keys" });
  await expect(keepOrRevoke).toBeChecked();
  await expect(keepOrRevoke).toHaveAccessibleDescription(
    "You have 2 active API keys; programs that use them stop working.",
  );
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await keepOrRevoke.uncheck();
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed." })).toHaveText(
    "Password changed. Your other devices were signed out. Your API keys were kept.",
  );
  expect(await apiKeyUser(request, first)).toBe(username);
  expect(await apiKeyUser(request, second)).toBe(username);
  // The form starts over: the next change would revoke them again, unless told otherwise.
  await expect(keepOrRevoke).toBeChecked();

  await page.getByRole("button", { name: "Sign out on all devices" }).click();
  const dialog = page.getByRole("dialog", { name: "Sign out on all devices" });
  await expect(dialog.getByRole("checkbox", { name: "Also revoke my API keys" })).toBeChecked();
  await expect(dialog.getByRole("checkbox", { name: "Also revoke my API keys" })).toHaveAccessibleDescription(
    "You have 2 active API keys; programs that use them stop working.",
  );
  await expectAccessible(page, "sign out on all devices");
  await screenshot(page, testInfo, "sign-out-everywhere");
  await dialog.getByRole("button", { name: "Sign out on all devices" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Signed out" })).toHaveText(
    "Signed out on all devices. 2 API keys were revoked.",
  );
  expect(await apiKeyUser(request, first)).toBe("UNAUTHENTICATED");
  expect(await apiKeyUser(request, second)).toBe("UNAUTHENTICATED");

  // Signed in again with a new key: a new password revokes it by default.
  await signIn(page, username, NEW_PASSWORD);
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  const third = await createApiKey(page, "Nightly import");
  await openSettings(page, testInfo);
  await expect(page.getByRole("checkbox", { name: "Also revoke my API keys" })).toHaveAccessibleDescription(
    "You have 1 active API key; programs that use it stop working.",
  );
  await page.getByLabel("Current password").fill(NEW_PASSWORD);
  await page.getByLabel("New password").fill(PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed." })).toHaveText(
    "Password changed. Your other devices were signed out. 1 API key was revoked.",
  );
  expect(await apiKeyUser(request, third)).toBe("UNAUTHENTICATED");
  await expect(page.getByRole("checkbox", { name: "Also revoke my API keys" })).toHaveCount(0);

  // Signing out everywhere without keys: nothing to decide, nothing said about them.
  await page.getByRole("button", { name: "Sign out on all devices" }).click();
  await expect(dialog.getByRole("checkbox", { name: "Also revoke my API keys" })).toHaveCount(0);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
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
  await signOutEverywhere(otherDevice);
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

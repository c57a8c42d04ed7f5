import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

const screenshotDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../test-results/screenshots",
);
mkdirSync(screenshotDir, { recursive: true });

export const PASSWORD = "correct horse battery";

export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export const isPhone = (testInfo: TestInfo) => testInfo.project.name === "phone";

/** Registers a new account through the UI and waits for the new-chat screen. */
export async function register(page: Page, username = uniqueName("user")): Promise<string> {
  await page.goto("/");
  await page.getByRole("button", { name: "No account yet? Create one" }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("E-mail").fill(`${username}@example.com`);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();
  return username;
}

/** Signs in through the UI (the caller waits for what should follow). */
export async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Username or e-mail").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The service worker controls the page, so a reload works offline. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(async () => {
    const registration = await navigator.serviceWorker.ready;
    return registration.active?.state === "activated" && navigator.serviceWorker.controller !== null;
  });
}

export async function send(page: Page, text: string): Promise<void> {
  const input = page.getByLabel("Message", { exact: true });
  await input.fill(text);
  await input.press("Enter");
}

export const assistantMessages = (page: Page) => page.locator("article.message--assistant");
export const lastAnswer = (page: Page) => assistantMessages(page).last();

export async function waitForAnswer(page: Page, status = "COMPLETE"): Promise<void> {
  await expect(lastAnswer(page)).toHaveAttribute("data-status", status, { timeout: 30_000 });
}

/** The sidebar is a drawer on phones: open it first there. */
export async function openChatList(page: Page, testInfo: TestInfo): Promise<void> {
  if (isPhone(testInfo)) await page.getByRole("button", { name: "Open chat list" }).click();
  await expect(page.getByRole("navigation", { name: "Chats" })).toBeVisible();
}

export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${testInfo.project.name}-${name}.png`) });
}

/** axe-core on the current screen: nothing serious or critical. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const blocking = results.violations.filter((violation) =>
    ["serious", "critical"].includes(violation.impact ?? ""),
  );
  const summary = blocking.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
  );
  expect(summary, `axe violations on ${screen}`).toEqual([]);
}

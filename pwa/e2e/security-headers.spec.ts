import { type BrowserContext, expect, test } from "@playwright/test";
import { type OtherOrigin, startOtherOrigin } from "./other-origin";
import {
  lastAnswer,
  openChatList,
  register,
  send,
  uniqueName,
  waitForAnswer,
  waitForServiceWorker,
} from "./support";

// The PWA as the API serves it (npm start; what these tests run against) carries a Content Security
// Policy and the other security headers, and the whole app works under them: nothing it does is refused.

// A page of another site that puts the app in a frame.
let framingPage: OtherOrigin;
test.beforeAll(async () => {
  framingPage = await startOtherOrigin((_path, response) => {
    const app = `http://127.0.0.1:${process.env.E2E_PORT}/`;
    response
      .writeHead(200, { "content-type": "text/html; charset=utf-8" })
      .end(`<!doctype html><title>framing</title><iframe src="${app}" title="app"></iframe>`);
  });
});
test.afterAll(() => framingPage.close());

/** Every CSP violation in the context's pages (events and console messages), from now on. */
async function recordPolicyViolations(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.exposeBinding("reportPolicyViolation", (_source, violation: string) => {
    violations.push(violation);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { reportPolicyViolation(violation: string): void })
        .reportPolicyViolation;
      report(
        `${event.effectiveDirective} refused ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  context.on("console", (message) => {
    if (/content security policy/i.test(message.text())) violations.push(`console: ${message.text()}`);
  });
  return violations;
}

function directives(policy: string | undefined): Map<string, string> {
  return new Map(
    (policy ?? "")
      .split(";")
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name as string, values.join(" ")]),
  );
}

test("the app is served with a CSP, nosniff and a referrer policy; HSTS only over https", async ({
  request,
}) => {
  const page = await request.get("/");
  expect(page.status()).toBe(200);
  const headers = page.headers();
  const policy = directives(headers["content-security-policy"]);
  expect(policy.get("img-src")).toBe("'self' data: blob:");
  expect(policy.get("frame-ancestors")).toBe("'none'");
  expect(policy.get("connect-src")).toBe("'self'");
  expect(policy.get("object-src")).toBe("'none'");
  // Scripts: the app's own, and index.html's inline one by its hash; nothing inline or evaluated else.
  expect(policy.get("script-src")).toMatch(/^'self'( 'sha256-[A-Za-z0-9+/=]+')+$/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["strict-transport-security"]).toBeUndefined();

  // A client-side route gets the app shell with the same policy; assets are not sniffed either.
  const route = await request.get("/settings");
  expect(route.headers()["content-security-policy"]).toBe(headers["content-security-policy"]);
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
  expect(script).toBeTruthy();
  expect((await request.get(script as string)).headers()["x-content-type-options"]).toBe("nosniff");
});

test("the whole app works under its CSP: nothing is refused", async ({ page, context }, testInfo) => {
  const violations = await recordPolicyViolations(context);
  const response = await page.goto("/");
  expect(directives(response?.headers()["content-security-policy"]).get("img-src")).toBe(
    "'self' data: blob:",
  );

  await register(page);
  await waitForServiceWorker(page);
  // Markdown (lazily loaded), an image of the app and a remote one (a placeholder, never fetched);
  // the fake provider repeats the first 60 characters.
  await send(page, "**Bold** ![o](/favicon.svg) ![r](https://x.example/p.png)");
  await waitForAnswer(page);
  await expect(lastAnswer(page).locator("strong")).toHaveText("Bold");
  await expect(lastAnswer(page).getByRole("link", { name: /Image from x\.example/ })).toBeVisible();
  const ownImage = lastAnswer(page).locator('img[src="/favicon.svg"]');
  await expect
    .poll(() => ownImage.evaluate((image: HTMLImageElement) => image.naturalWidth))
    .toBeGreaterThan(0);

  // The screens loaded on demand, a dialog, the theme switched at run time.
  await openChatList(page, testInfo);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Usage this month" })).toBeVisible();
  await page.getByLabel("Theme").selectOption("dark");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.getByRole("button", { name: "Sign out on all devices" }).click();
  await page
    .getByRole("dialog", { name: "Sign out on all devices" })
    .getByRole("button", { name: "Cancel" })
    .click();
  for (const screen of ["Assistants", "Templates"] as const) {
    await openChatList(page, testInfo);
    await page.getByRole("navigation", { name: "Chats" }).getByRole("link", { name: screen }).click();
    await expect(page.getByRole("heading", { name: screen, level: 1 })).toBeVisible();
  }

  // Reloaded (the inline theme script runs again) and offline, from the service worker's copy.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Templates", level: 1 })).toBeVisible();
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByText("You are offline.")).toBeVisible();
  await context.setOffline(false);

  expect(violations).toEqual([]);
});

test("another site cannot show the app in a frame", async ({ page }) => {
  const refusals: string[] = [];
  page.on("console", (message) => {
    if (/frame-ancestors|X-Frame-Options/i.test(message.text())) refusals.push(message.text());
  });
  // The framing page's load waits for its frame, shown or refused.
  await page.goto(`${framingPage.crossSite}/${uniqueName("frame")}`);
  const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
  expect(frame).toBeDefined();
  // A refused frame shows the browser's error page instead of the app.
  expect(frame?.url()).not.toContain(`127.0.0.1:${process.env.E2E_PORT}`);
  expect(refusals).not.toEqual([]);
});

import { expect, test } from "@playwright/test";
import { openChatList, register, screenshot, waitForServiceWorker } from "./support";

// Installable: a valid manifest with the icons, an active service worker; German and English, light
// and dark, switchable in the settings.

test("the app is installable: manifest, icons and an active service worker", async ({ page, request }) => {
  await page.goto("/");
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(href).toBeTruthy();
  const manifest = await (await request.get(href ?? "")).json();
  expect(manifest).toMatchObject({
    name: "XQT5 AI Platform",
    short_name: "XQT5 AI",
    display: "standalone",
    start_url: "/",
    theme_color: "#213452",
  });
  const icons = manifest.icons as { src: string; sizes: string; purpose?: string }[];
  expect(icons.map((icon) => `${icon.sizes} ${icon.purpose ?? "any"}`).sort()).toEqual([
    "192x192 any",
    "512x512 any",
    "512x512 maskable",
  ]);
  for (const icon of icons) {
    const response = await request.get(icon.src);
    expect(response.ok(), icon.src).toBe(true);
    expect(response.headers()["content-type"]).toContain("image/png");
  }
  await waitForServiceWorker(page);
  expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL)).toMatch(
    /\/sw\.js$/,
  );
});

test("language and theme switch in the settings and stay switched", async ({ page }, testInfo) => {
  await register(page);
  await openChatList(page, testInfo);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Language").selectOption("de");
  await expect(page.getByRole("heading", { name: "Einstellungen", level: 1 })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await page.getByLabel("Farbschema").selectOption("dark");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await screenshot(page, testInfo, "settings-de-dark");

  await page.reload();
  await expect(page.getByRole("heading", { name: "Einstellungen", level: 1 })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.getByLabel("Sprache").selectOption("en");
  await page.getByLabel("Theme").selectOption("light");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
});

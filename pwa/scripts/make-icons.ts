import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { chromiumLaunchOptions } from "./chromium.js";

// Renders the app icons (PNG) from public/favicon.svg with Debian's Chromium: `npm run icons -w pwa`.
// The maskable icon keeps the mark inside the central 80 % safe zone on a full-bleed navy square.

const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../public");

const icons = [
  { file: "icons/icon-192.png", size: 192, mark: 1 },
  { file: "icons/icon-512.png", size: 512, mark: 1 },
  { file: "icons/icon-maskable-512.png", size: 512, mark: 0.62 },
  { file: "icons/apple-touch-icon.png", size: 180, mark: 0.8 },
];

const svg = await readFile(path.join(publicDir, "favicon.svg"), "utf8");
const browser = await chromium.launch(chromiumLaunchOptions);
const page = await browser.newPage();
for (const icon of icons) {
  const markSize = Math.round(icon.size * icon.mark);
  await page.setViewportSize({ width: icon.size, height: icon.size });
  await page.setContent(
    `<body style="margin:0;background:#213452;display:grid;place-items:center;height:${icon.size}px">` +
      `<div style="width:${markSize}px;height:${markSize}px">${svg.replace("<svg ", '<svg width="100%" height="100%" ')}</div></body>`,
  );
  await writeFile(path.join(publicDir, icon.file), await page.screenshot({ omitBackground: false }));
  console.log(`wrote ${icon.file} (${icon.size}px)`);
}
await browser.close();

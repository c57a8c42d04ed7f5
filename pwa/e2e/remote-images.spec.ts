import { expect, test } from "@playwright/test";
import { type OtherOrigin, startOtherOrigin } from "./other-origin";
import { expectAccessible, lastAnswer, register, send, waitForAnswer } from "./support";

// An answer can carry an image from anywhere (a prompt injection makes the model write one whose address
// holds the conversation). Opening the chat must not call that server; the reader sees where the image
// is from and opens it on request, in a tab of its own. Images of the app itself load as before.

// A 1×1 transparent GIF.
const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

let imageServer: OtherOrigin;

test.beforeAll(async () => {
  imageServer = await startOtherOrigin((_path, response) => {
    response.writeHead(200, { "content-type": "image/gif" }).end(PIXEL);
  });
});
test.afterAll(() => imageServer.close());

test("a remote image in an answer is not loaded: a placeholder names its host and opens it", async ({
  page,
  context,
}) => {
  await register(page);
  const remote = `${imageServer.sameSite}/p.png?q=s`;
  // The fake provider repeats the message (its first 60 characters) in its answer.
  await send(page, `![p](${remote}) ![o](/favicon.svg)`);
  await waitForAnswer(page);

  const answer = lastAnswer(page);
  const placeholder = answer.getByRole("link", { name: `p Image from 127.0.0.1:${imageServer.port} — open` });
  await expect(placeholder).toBeVisible();
  await expect(placeholder).toHaveAttribute("href", remote);
  await expect(placeholder).toHaveAttribute("target", "_blank");
  await expect(placeholder).toHaveAttribute("rel", "noopener noreferrer");
  // The app's own image beside it has been loaded, so the browser was done fetching this answer's images.
  const ownImage = answer.locator('img[src="/favicon.svg"]');
  await expect
    .poll(() => ownImage.evaluate((image: HTMLImageElement) => image.naturalWidth))
    .toBeGreaterThan(0);
  await expect(answer.locator("img")).toHaveCount(1);
  expect(imageServer.requests).toEqual([]);

  // Opened again (from the cache and the server): still nothing fetched.
  await page.reload();
  await expect(placeholder).toBeVisible();
  await expect
    .poll(() => ownImage.evaluate((image: HTMLImageElement) => image.naturalWidth))
    .toBeGreaterThan(0);
  expect(imageServer.requests).toEqual([]);
  await expectAccessible(page, "chat with a remote image");

  // On request it opens in a tab of its own, without telling the server where it was linked from.
  await placeholder.focus();
  const popup = context.waitForEvent("page");
  await page.keyboard.press("Enter");
  const opened = await popup;
  // (The browser may ask that server for its /favicon.ico, too.)
  const imageRequests = () => imageServer.requests.filter((request) => request.path.startsWith("/p.png"));
  await expect.poll(() => imageRequests().length).toBe(1);
  expect(imageRequests()[0]).toMatchObject({ method: "GET", path: "/p.png?q=s" });
  expect(imageRequests()[0]?.headers.referer).toBeUndefined();
  expect(opened.url()).toBe(remote);
  expect(await opened.evaluate(() => window.opener)).toBeNull();
  await opened.close();
});

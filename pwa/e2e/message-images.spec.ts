import { expect, type Locator, type Page, test } from "@playwright/test";
import { buildPng } from "../../api/test/fixtures/documents/png";
import { expectAccessible, lastAnswer, register, screenshot, send, waitForAnswer } from "./support";

// Images with a message: a picture attached in the composer waits there for the next message, goes with
// it to the model (the fake provider says how many images it saw), and stays under the question as a
// thumbnail that opens larger — also after a reload.

/** Whether the <img> has been fetched and decoded (not only present). */
async function expectLoaded(image: Locator): Promise<void> {
  await expect(image).toBeVisible();
  await expect
    .poll(() => image.evaluate((element: HTMLImageElement) => element.naturalWidth))
    .toBeGreaterThan(0);
}

const userMessages = (page: Page) => page.locator("article.message--user");

test("an image attached in the composer goes with the next message and shows under it", async ({
  page,
}, testInfo) => {
  test.slow();
  await register(page);
  // The chat must be on the server before files can be attached to it.
  await send(page, "Hello");
  await waitForAnswer(page);

  // --- Attached: it waits for the next message, with its thumbnail and a way to leave it out. --------
  const filename = "orange-square.png";
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Attach files to this chat" }).click();
  await (await chooser).setFiles({ name: filename, mimeType: "image/png", buffer: buildPng() });
  const pending = page.getByRole("list", { name: "Images for your next message" });
  const chip = pending.getByRole("listitem").filter({ hasText: filename });
  await expect(chip).toContainText("With your next message", { timeout: 30_000 });
  await expectLoaded(chip.locator("img"));
  await expect(chip.getByRole("button", { name: `Do not send with the message: ${filename}` })).toBeVisible();
  await expectAccessible(page, "chat with an image for the next message");
  await screenshot(page, testInfo, "message-images-pending");

  // --- Sent with the question: the model gets it, and the question keeps it as a thumbnail. ----------
  await send(page, "What colour is this square?");
  await expect(pending).toBeHidden();
  const question = userMessages(page).last();
  await expect(question).toContainText("What colour is this square?");
  const thumbnail = question.getByRole("button", { name: `Open image: ${filename}` });
  await expectLoaded(thumbnail.locator(`img[alt="${filename}"]`));
  await waitForAnswer(page);
  await expect(lastAnswer(page)).toContainText("What colour is this square?");
  await expect(lastAnswer(page)).toContainText("I see 1 image");
  // A model that sees it says nothing about recognised text.
  await expect(lastAnswer(page)).not.toContainText("This model cannot see images");
  // It stays one of the chat's files (searched with every question), no longer waiting.
  await expect(page.getByRole("list", { name: "Files in this chat" })).toContainText(filename);

  // --- Opened larger, by keyboard; Escape closes it and the focus comes back. -----------------------
  await thumbnail.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: filename });
  await expect(dialog).toBeVisible();
  await expectLoaded(dialog.locator(`img[alt="${filename}"]`));
  await expectAccessible(page, "an image sent with a message, opened");
  await screenshot(page, testInfo, "message-images-open");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(thumbnail).toBeFocused();

  // --- After a reload the question still shows its image (from the server), and the next question goes
  // without it. ----------------------------------------------------------------------------------------
  await page.reload();
  await expectLoaded(
    userMessages(page)
      .filter({ hasText: "What colour is this square?" })
      .getByRole("button", { name: `Open image: ${filename}` })
      .locator("img"),
  );
  await expect(page.getByRole("list", { name: "Images for your next message" })).toBeHidden();
  await send(page, "And now without a picture?");
  await waitForAnswer(page);
  await expect(lastAnswer(page)).toContainText("And now without a picture?");
  await expect(lastAnswer(page)).not.toContainText("I see 1 image");
  await expect(
    userMessages(page)
      .last()
      .getByRole("button", { name: /^Open image/ }),
  ).toHaveCount(0);
  await screenshot(page, testInfo, "message-images-sent");
});

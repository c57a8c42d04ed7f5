import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { buildDocx, readFixture } from "../../api/test/fixtures/documents/build-documents";
import { goTo } from "./organizations";
import {
  expectAccessible,
  isPhone,
  lastAnswer,
  openChatList,
  register,
  screenshot,
  send,
  uniqueName,
  waitForAnswer,
} from "./support";

// Documents: a PDF uploaded to the library is processed (progress, then its pages), an answer in a chat
// with "use my library" on cites its page 3, and the source opens on its excerpt; a file of another
// kind is refused with a sentence that says why; the document is deleted with a confirmation. A DOCX and
// a photo of a page are read too, and an answer cites the text read from the photo.

const PAGE_THREE = "The zebra protocol requires seven blue lanterns at the northern gate.";

/** A three-page PDF with a distinct sentence on each page. */
async function threePagePdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const text of [
    "Introduction to the annual report of the harbour office.",
    "Budget figures for the year and the staff plan.",
    PAGE_THREE,
  ]) {
    pdf.addPage([595, 842]).drawText(text, { x: 50, y: 760, size: 14, font });
  }
  return Buffer.from(await pdf.save());
}

/** Chooses files through the screen's own button, as a person would. */
async function chooseFile(
  page: Page,
  button: string,
  file: { name: string; mimeType: string; buffer: Buffer },
): Promise<void> {
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: button }).click();
  await (await chooser).setFiles(file);
}

const documentItem = (page: Page, filename: string) =>
  page.locator("li.document-item").filter({ has: page.getByRole("heading", { name: filename, level: 2 }) });

async function newChat(page: Page, testInfo: TestInfo): Promise<void> {
  await openChatList(page, testInfo);
  await page.getByRole("navigation", { name: "Chats" }).getByRole("link", { name: "New chat" }).click();
  await expect(page.getByRole("heading", { name: "How can I help?" })).toBeVisible();
}

test("upload a PDF, ask about its page 3 with the library, open the source, refuse another kind, delete it", async ({
  page,
}, testInfo) => {
  test.slow();
  await register(page);
  await goTo(page, testInfo, "Documents");
  await expect(page.getByText("No documents yet.")).toBeVisible();

  // --- Upload: the bytes go out (held back a moment here, so that the bar can be seen), then the server
  // processes it and the list says how many pages it has. ---------------------------------------------
  const filename = `${uniqueName("report-")}.pdf`;
  let releaseUpload = () => {};
  const uploadHeld = new Promise<void>((resolve) => {
    releaseUpload = resolve;
  });
  await page.route("**/graphql", async (route) => {
    if (/multipart\/form-data/.test(route.request().headers()["content-type"] ?? "")) await uploadHeld;
    await route.continue();
  });
  await chooseFile(page, "Upload files", {
    name: filename,
    mimeType: "application/pdf",
    buffer: await threePagePdf(),
  });
  await expect(page.getByRole("progressbar", { name: `Upload of ${filename}` })).toBeVisible();
  await expect(page.getByText(/^Uploading: /)).toBeVisible();
  releaseUpload();
  const item = documentItem(page, filename);
  await expect(item).toContainText("PDF ·");
  await expect(item).toContainText(/Ready 3 pages · \d+ passages?/, { timeout: 30_000 });
  await expect(page.getByRole("progressbar")).toHaveCount(0);
  await expectAccessible(page, "documents");
  await screenshot(page, testInfo, "documents-ready");

  // --- A file of another kind is refused, and the screen says why. -----------------------------------
  const program = Buffer.from([
    0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0xff, 0xff, 0x00, 0xb8,
  ]);
  await chooseFile(page, "Upload files", {
    name: "tool.exe",
    mimeType: "application/octet-stream",
    buffer: program,
  });
  const refusal = page.getByRole("alert").filter({ hasText: "“tool.exe” was not uploaded" });
  await expect(refusal).toContainText("This kind of file is not supported. Upload a PDF");
  await expectAccessible(page, "documents, upload refused");
  await refusal.getByRole("button", { name: "Dismiss" }).click();
  await expect(refusal).toBeHidden();

  // --- A chat with "use my library" on: the answer cites page 3, and the source opens its excerpt. ---
  await newChat(page, testInfo);
  const useLibrary = page.getByLabel("Use my library");
  await useLibrary.check();
  await send(page, "What does the zebra protocol require at the northern gate?");
  await waitForAnswer(page);
  // The chat keeps the choice.
  await expect(useLibrary).toBeChecked();
  const sources = lastAnswer(page).getByRole("region", { name: "Sources" });
  await expect(sources.getByRole("heading", { name: "Sources" })).toBeVisible();
  const pageThree = sources.getByRole("button", { name: new RegExp(`^Source \\d+: ${filename}, page 3$`) });
  await expect(pageThree).toBeVisible();
  await expect(pageThree).toContainText("p. 3");
  await expectAccessible(page, "chat with sources");
  // Opened by keyboard: Enter on the focused source.
  await pageThree.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: new RegExp(`\\[\\d+\\] ${filename}`) });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Page 3");
  await expect(dialog).toContainText(PAGE_THREE);
  await expect(dialog.getByRole("button", { name: `Download original: ${filename}` })).toBeVisible();
  await screenshot(page, testInfo, "documents-source");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(pageThree).toBeFocused();

  // The chat's own files: attached here, shown above the composer with their status (and on phones a
  // photo can be taken too).
  if (isPhone(testInfo)) await expect(page.getByRole("button", { name: "Take a photo" })).toBeVisible();
  await chooseFile(page, "Attach files to this chat", {
    name: "notes.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("Meeting notes: the harbour office opens at nine.\n"),
  });
  const attached = page.getByRole("list", { name: "Files in this chat" });
  await expect(attached.getByRole("listitem").filter({ hasText: "notes.txt" })).toContainText(/passage/, {
    timeout: 30_000,
  });
  await expectAccessible(page, "chat with an attached file");
  await screenshot(page, testInfo, "documents-chat-attached");
  await attached.getByRole("button", { name: "Delete: notes.txt" }).click();
  await page
    .getByRole("dialog", { name: "Delete document" })
    .getByRole("button", { name: "Delete", exact: true })
    .click();
  await expect(attached).toBeHidden();

  // --- Rename (Enter saves), then delete: the dialog says what goes and what stays. -----------------
  await goTo(page, testInfo, "Documents");
  await documentItem(page, filename)
    .getByRole("button", { name: `Rename: ${filename}` })
    .click();
  const renamed = `renamed-${filename}`;
  const renameDialog = page.getByRole("dialog", { name: `Rename “${filename}”` });
  await renameDialog.getByLabel("File name").fill(renamed);
  await renameDialog.getByLabel("File name").press("Enter");
  await expect(renameDialog).toBeHidden();
  await expect(documentItem(page, renamed)).toContainText("3 pages");
  await documentItem(page, renamed)
    .getByRole("button", { name: `Delete: ${renamed}` })
    .click();
  const confirm = page.getByRole("dialog", { name: "Delete document" });
  await expect(confirm).toContainText("The file and all its passages are removed");
  await expect(confirm).toContainText("Answers that cited it keep their citations");
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(documentItem(page, renamed)).toHaveCount(0);
  await expect(page.getByText("No documents yet.")).toBeVisible();
});

test("a DOCX and a photo of a page are read (progress, then ready), and an answer cites the photo's text", async ({
  page,
}, testInfo) => {
  test.slow();
  await register(page);
  await goTo(page, testInfo, "Documents");
  const report = `${uniqueName("quarterly-")}.docx`;
  await chooseFile(page, "Upload files", {
    name: report,
    mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    buffer: Buffer.from(await buildDocx()),
  });
  await expect(documentItem(page, report)).toContainText(/Ready .*\d+ passages?/, { timeout: 30_000 });

  // A photo of a page (the camera on a phone, a file on a desktop) in a chat that exists on the server.
  await newChat(page, testInfo);
  await send(page, "Hallo");
  await waitForAnswer(page);
  const photo = "aushang.png";
  await chooseFile(page, isPhone(testInfo) ? "Take a photo" : "Attach files to this chat", {
    name: photo,
    mimeType: "image/png",
    buffer: Buffer.from(readFixture("german-scan.png")),
  });
  // Waiting for the next message, and read by OCR meanwhile.
  const pending = page.getByRole("list", { name: "Images for your next message" }).getByRole("listitem");
  await expect(pending.filter({ hasText: photo })).toContainText(
    /With your next message · 1 page · .*1 read by OCR/,
    {
      timeout: 60_000,
    },
  );

  await send(page, "Wann öffnet die Stadtbibliothek wieder?");
  await waitForAnswer(page);
  // The model saw the photo, and the answer cites the text read from it.
  await expect(lastAnswer(page)).toContainText("I see 1 image");
  const sources = lastAnswer(page).getByRole("region", { name: "Sources" });
  await expect(
    sources.getByRole("button", { name: new RegExp(`^Source \\d+: ${photo}, page 1$`) }),
  ).toBeVisible();
  await expect(
    page
      .locator("article.message--user")
      .last()
      .getByRole("button", { name: `Open image: ${photo}` }),
  ).toBeVisible();
  await expect(page.getByRole("list", { name: "Files in this chat" })).toContainText(photo);
  await expectAccessible(page, "chat with a photo of a page");
  await screenshot(page, testInfo, "documents-photo");
});

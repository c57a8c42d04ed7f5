import { randomBytes } from "node:crypto";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, expect, it } from "vitest";
import { registerUser, type SignedIn, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { uploadDocument, waitForDocument } from "../../test/support/upload.js";

// Originals are written and read in parts of 1 MB: a file of several parts comes back byte for byte,
// and its processing reads all of it.

let app: TestApp;
let owner: SignedIn;

beforeAll(async () => {
  app = await startTestApp();
  owner = await registerUser(app, "files_owner");
}, 60_000);
afterAll(() => app?.close());

/** A one-page PDF made 2.5 MB (three parts and a half) by an attachment of random bytes. */
async function largePdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf
    .addPage([595, 842])
    .drawText("Das Protokoll der Anlage liegt im Anhang.", { x: 50, y: 760, size: 14, font });
  await pdf.attach(randomBytes(2_500_000), "messdaten.bin", { mimeType: "application/octet-stream" });
  return pdf.save();
}

it("a file of several parts is processed and downloaded exactly as uploaded", async () => {
  const content = await largePdf();
  expect(content.byteLength).toBeGreaterThan(2 * 1024 * 1024);
  const uploaded = await uploadDocument(
    app,
    owner.accessToken,
    { name: "anlage.pdf", content },
    { scope: "LIBRARY" },
  );
  const id = uploaded.data?.uploadDocument.id;
  if (!id) throw new Error(JSON.stringify(uploaded.errors));
  expect(await waitForDocument(app, owner.accessToken, id)).toMatchObject({ status: "READY", pageCount: 1 });
  expect(await app.database.owner.documentFile.count({ where: { documentId: id } })).toBe(
    Math.ceil(content.byteLength / (1024 * 1024)),
  );
  const download = await fetch(`${app.url}/documents/${id}/file`, {
    headers: { authorization: `Bearer ${owner.accessToken}` },
  });
  expect(download.status).toBe(200);
  expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(content))).toBe(true);
});

it("an upload whose process died before its file was stored whole ends FAILED as incomplete, not processed", async () => {
  const shared = { JWT_SECRET: "parts-test-secret-0123456789abcdef0123456789" };
  const idle = await startTestApp({ ...shared, DOCUMENT_WORKERS: "0" });
  try {
    const user = await registerUser(idle, "files_died");
    const uploaded = await uploadDocument(
      idle,
      user.accessToken,
      { name: "halb.pdf", content: await largePdf() },
      { scope: "LIBRARY" },
    );
    const id = uploaded.data?.uploadDocument.id;
    if (!id) throw new Error(JSON.stringify(uploaded.errors));
    // What a process that died after the first part leaves: the rest of the file is missing.
    await idle.database.owner.documentFile.deleteMany({ where: { documentId: id, part: { gt: 0 } } });
    const worker = await startTestApp(shared, { database: idle.database });
    try {
      expect(await waitForDocument(worker, user.accessToken, id)).toMatchObject({
        status: "FAILED",
        errorCode: "DOCUMENT_INCOMPLETE",
        chunkCount: 0,
      });
    } finally {
      await worker.close();
    }
  } finally {
    await idle.close();
  }
}, 60_000);

import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

// The originals, written and read in parts of about 1 MB, as base64 text: a 20 MB file as one value is
// encoded and decoded in one go on the event loop, and the embedded database's adapter turns bytea into
// bytes one byte at a time in JavaScript (seconds for 20 MB, every streaming answer waiting). Text goes
// through the drivers as it is and Node decodes base64 natively; part by part, the loop breathes.

// A multiple of 3, so that the parts' base64 texts, put together, are the whole file's.
const PART_BYTES = 3 * 349_525;

type Database = Pick<PrismaClient, "$executeRaw" | "$queryRaw"> | Prisma.TransactionClient;

/** Stores the file of a document, part by part (each part its own statement). */
export async function writeDocumentFile(
  db: Database,
  file: { documentId: string; orgId: string; userId: string; bytes: Uint8Array },
): Promise<void> {
  const { documentId, orgId, userId, bytes } = file;
  // An empty file is refused before; one part at least either way.
  for (let part = 0; part === 0 || part * PART_BYTES < bytes.byteLength; part++) {
    const offset = part * PART_BYTES;
    const content = Buffer.from(
      bytes.buffer,
      bytes.byteOffset + offset,
      Math.min(PART_BYTES, bytes.byteLength - offset),
    ).toString("base64");
    await db.$executeRaw`
      insert into app_document_files (document_id, part, org_id, user_id, content)
      values (${documentId}::uuid, ${part}::int, ${orgId}::uuid, ${userId}::uuid, decode(${content}, 'base64'))`;
  }
}

/** The file of a document as base64 (as row-level security lets this request see it), or null. */
export async function readDocumentFileBase64(db: Database, documentId: string): Promise<string | null> {
  const parts = await db.$queryRaw<{ part: number }[]>`
    select part from app_document_files where document_id = ${documentId}::uuid order by part`;
  if (parts.length === 0) return null;
  let base64 = "";
  for (const { part } of parts) {
    const [row] = await db.$queryRaw<{ content: string }[]>`
      select encode(content, 'base64') as content from app_document_files
      where document_id = ${documentId}::uuid and part = ${part}::int`;
    // Deleted meanwhile.
    if (!row) return null;
    // Postgres breaks base64 into lines of 76 characters.
    base64 += row.content.replace(/\n/g, "");
  }
  return base64;
}

/** The file of a document (as row-level security lets this request see it), or null. */
export async function readDocumentFile(db: Database, documentId: string): Promise<Uint8Array | null> {
  const base64 = await readDocumentFileBase64(db, documentId);
  return base64 === null ? null : new Uint8Array(Buffer.from(base64, "base64"));
}

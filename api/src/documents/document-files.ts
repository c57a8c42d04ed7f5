import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

// The originals, written and read in slices: a 20 MB file as one parameter or one column value is
// encoded and decoded in one go on the event loop (base64 for Prisma, hex for the wire) and stalled
// every streaming answer for hundreds of milliseconds. Slices let the loop breathe in between; the
// column is stored uncompressed (the migration), so that reading a slice does not inflate the whole.

const SLICE_BYTES = 1024 * 1024;

type Database = Pick<PrismaClient, "$executeRaw" | "$queryRaw"> | Prisma.TransactionClient;

/** Stores the file of a document (inside the upload's transaction). */
export async function writeDocumentFile(
  db: Database,
  file: { documentId: string; orgId: string; userId: string; bytes: Uint8Array },
): Promise<void> {
  const { documentId, orgId, userId, bytes } = file;
  await db.$executeRaw`
    insert into app_document_files (document_id, org_id, user_id, content)
    values (${documentId}::uuid, ${orgId}::uuid, ${userId}::uuid, ${slice(bytes, 0)})`;
  for (let offset = SLICE_BYTES; offset < bytes.byteLength; offset += SLICE_BYTES) {
    await db.$executeRaw`
      update app_document_files set content = content || ${slice(bytes, offset)}
      where document_id = ${documentId}::uuid`;
  }
}

/** The file of a document (as row-level security lets this request see it), or null. */
export async function readDocumentFile(db: Database, documentId: string): Promise<Uint8Array | null> {
  const [size] = await db.$queryRaw<{ bytes: number }[]>`
    select octet_length(content)::int as bytes from app_document_files where document_id = ${documentId}::uuid`;
  if (!size) return null;
  const content = new Uint8Array(size.bytes);
  for (let offset = 0; offset < size.bytes; offset += SLICE_BYTES) {
    const [part] = await db.$queryRaw<{ part: Uint8Array }[]>`
      select substring(content from ${offset + 1}::int for ${SLICE_BYTES}::int) as part
      from app_document_files where document_id = ${documentId}::uuid`;
    // Deleted meanwhile.
    if (!part) return null;
    content.set(part.part, offset);
  }
  return content;
}

const slice = (bytes: Uint8Array, offset: number) =>
  Buffer.from(bytes.buffer, bytes.byteOffset + offset, Math.min(SLICE_BYTES, bytes.byteLength - offset));

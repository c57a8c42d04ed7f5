import { inflateRawSync } from "node:zlib";
import { DocumentRejectedError } from "./document-rejected.js";

/**
 * Reads a ZIP's central directory (the list of entries at the end of the file) without unpacking
 * anything. DOCX and XLSX are ZIPs; mammoth and exceljs unpack them whole into memory, so a ZIP bomb
 * has to be stopped before they see it. Entry names are only compared with known names, never used as
 * paths.
 */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate; mammoth and exceljs (JSZip) read no others. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

const endOfDirectorySignature = 0x06054b50;
const zip64LocatorSignature = 0x07064b50;
const zip64EndSignature = 0x06064b50;
const directoryEntrySignature = 0x02014b50;
const localHeaderSignature = 0x04034b50;

export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
  );
}

export function readZipDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEndOfDirectory(view);
  let entryCount = view.getUint16(end + 10, true);
  let directoryOffset = view.getUint32(end + 16, true);
  if (entryCount === 0xffff || directoryOffset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || view.getUint32(locator, true) !== zip64LocatorSignature) throw unreadable();
    const zip64End = safeNumber(view.getBigUint64(locator + 8, true));
    if (zip64End + 56 > view.byteLength || view.getUint32(zip64End, true) !== zip64EndSignature) {
      throw unreadable();
    }
    entryCount = safeNumber(view.getBigUint64(zip64End + 32, true));
    directoryOffset = safeNumber(view.getBigUint64(zip64End + 48, true));
  }

  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let offset = directoryOffset;
  for (let index = 0; index < entryCount; index++) {
    if (offset + 46 > view.byteLength || view.getUint32(offset, true) !== directoryEntrySignature) {
      throw unreadable();
    }
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const next = offset + 46 + nameLength + extraLength + commentLength;
    if (next > view.byteLength) throw unreadable();
    const entry: ZipEntry = {
      name: decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)),
      method: view.getUint16(offset + 10, true),
      compressedSize: view.getUint32(offset + 20, true),
      uncompressedSize: view.getUint32(offset + 24, true),
      localHeaderOffset: view.getUint32(offset + 42, true),
      encrypted: (view.getUint16(offset + 8, true) & 1) === 1,
    };
    applyZip64Extra(view, offset + 46 + nameLength, extraLength, entry);
    entries.push(entry);
    offset = next;
  }
  return entries;
}

/**
 * Rejects a ZIP that would unpack to more than `maxDecompressedBytes`, or with an entry packed more
 * than 200:1 (real Office XML stays far below that; zeros reach 1000:1). Sizes in the directory are
 * claims, so every entry is then inflated here with its claimed size as a hard output cap: a ZIP that
 * lies about its sizes fails here, not inside mammoth or exceljs where memory is unbounded.
 */
export function assertZipWithinLimits(bytes: Uint8Array, entries: ZipEntry[], maxDecompressedBytes: number) {
  let total = 0;
  for (const entry of entries) {
    if (entry.encrypted) {
      throw new DocumentRejectedError(
        "DOCUMENT_ENCRYPTED",
        "The file is password-protected; remove the password and upload it again.",
      );
    }
    total += entry.uncompressedSize;
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (total > maxDecompressedBytes || (entry.uncompressedSize > minimumSizeForRatioCheck && ratio > 200)) {
      throw new DocumentRejectedError(
        "DOCUMENT_TOO_LARGE",
        "The file unpacks to far more data than it holds (a ZIP bomb or an oversized document) and was not opened.",
      );
    }
  }
  for (const entry of entries) verifyEntrySize(bytes, entry);
}

/** Small entries may compress well beyond 200:1 (a run of spaces) and harm nobody. */
const minimumSizeForRatioCheck = 1024 * 1024;

function verifyEntrySize(bytes: Uint8Array, entry: ZipEntry) {
  if (entry.name.endsWith("/") && entry.uncompressedSize === 0) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = entry.localHeaderOffset;
  if (header + 30 > view.byteLength || view.getUint32(header, true) !== localHeaderSignature)
    throw unreadable();
  const dataStart = header + 30 + view.getUint16(header + 26, true) + view.getUint16(header + 28, true);
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > view.byteLength) throw unreadable();
  const data = bytes.subarray(dataStart, dataEnd);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize) throw unreadable();
    return;
  }
  if (entry.method !== 8) throw unreadable();
  let inflated: Buffer;
  try {
    // One byte more than claimed: if zlib fills it, the claim was a lie.
    inflated = inflateRawSync(data, { maxOutputLength: entry.uncompressedSize + 1 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new DocumentRejectedError(
        "DOCUMENT_TOO_LARGE",
        "The file unpacks to more data than it declares (a ZIP bomb) and was not opened.",
      );
    }
    throw unreadable(error);
  }
  if (inflated.length !== entry.uncompressedSize) throw unreadable();
}

function findEndOfDirectory(view: DataView): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let offset = view.byteLength - 22; offset >= lowest; offset--) {
    if (view.getUint32(offset, true) === endOfDirectorySignature) return offset;
  }
  throw unreadable();
}

/** Zip64 keeps the real values in extra field 0x0001, in this order, only for fields set to 0xffffffff. */
function applyZip64Extra(view: DataView, start: number, length: number, entry: ZipEntry) {
  let offset = start;
  while (offset + 4 <= start + length) {
    const id = view.getUint16(offset, true);
    const size = view.getUint16(offset + 2, true);
    if (id === 0x0001) {
      let field = offset + 4;
      const read = () => {
        if (field + 8 > offset + 4 + size) throw unreadable();
        const value = safeNumber(view.getBigUint64(field, true));
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = read();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = read();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = read();
      return;
    }
    offset += 4 + size;
  }
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw unreadable();
  return Number(value);
}

function unreadable(cause?: unknown) {
  return new DocumentRejectedError(
    "DOCUMENT_UNREADABLE",
    "The file is damaged or not a valid Office document and could not be read.",
    { cause },
  );
}

import { describe, expect, it } from "vitest";
import { buildDocx, buildZip } from "../../../test/fixtures/documents/build-documents.js";
import { DocumentRejectedError } from "./document-rejected.js";
import { assertZipWithinLimits, isZip, readZipDirectory } from "./zip-archive.js";

const megabyte = 1024 * 1024;

function rejectionCode(check: () => void): string | undefined {
  try {
    check();
  } catch (error) {
    if (error instanceof DocumentRejectedError) return error.code;
    throw error;
  }
  return undefined;
}

describe("readZipDirectory", () => {
  it("lists the entries of a real DOCX with their sizes", async () => {
    const docx = await buildDocx();
    expect(isZip(docx)).toBe(true);
    const entries = readZipDirectory(docx);
    const document = entries.find((entry) => entry.name === "word/document.xml");
    expect(document).toMatchObject({ method: 8, encrypted: false });
    expect(document?.uncompressedSize).toBeGreaterThan(document?.compressedSize ?? Infinity);
    expect(() => assertZipWithinLimits(docx, entries, megabyte)).not.toThrow();
  });

  it("reads stored and deflated entries of a hand-made ZIP", () => {
    const zip = buildZip([
      { name: "a.txt", data: new TextEncoder().encode("stored"), deflate: false },
      { name: "b.txt", data: new Uint8Array(1000) },
    ]);
    expect(readZipDirectory(zip)).toEqual([
      expect.objectContaining({ name: "a.txt", method: 0, compressedSize: 6, uncompressedSize: 6 }),
      expect.objectContaining({ name: "b.txt", method: 8, uncompressedSize: 1000 }),
    ]);
  });

  it("rejects bytes without a central directory as unreadable", () => {
    const zip = buildZip([{ name: "a.txt", data: new Uint8Array(10) }]);
    expect(rejectionCode(() => readZipDirectory(zip.subarray(0, zip.length - 30)))).toBe(
      "DOCUMENT_UNREADABLE",
    );
    expect(rejectionCode(() => readZipDirectory(new Uint8Array(5)))).toBe("DOCUMENT_UNREADABLE");
  });
});

describe("assertZipWithinLimits", () => {
  it("rejects declared sizes above the limit", () => {
    const zip = buildZip([{ name: "big.xml", data: new Uint8Array(2 * megabyte) }]);
    expect(rejectionCode(() => assertZipWithinLimits(zip, readZipDirectory(zip), megabyte))).toBe(
      "DOCUMENT_TOO_LARGE",
    );
  });

  it("rejects an entry compressed far beyond what Office XML reaches", () => {
    const zip = buildZip([{ name: "zeros.xml", data: new Uint8Array(4 * megabyte) }]);
    expect(rejectionCode(() => assertZipWithinLimits(zip, readZipDirectory(zip), 100 * megabyte))).toBe(
      "DOCUMENT_TOO_LARGE",
    );
  });

  it("rejects an entry that unpacks to more than it declares", () => {
    const zip = buildZip([{ name: "liar.xml", data: new Uint8Array(megabyte), claimedSize: 100 }]);
    expect(rejectionCode(() => assertZipWithinLimits(zip, readZipDirectory(zip), megabyte))).toBe(
      "DOCUMENT_TOO_LARGE",
    );
  });

  it("rejects an entry that unpacks to less than it declares", () => {
    const zip = buildZip([{ name: "short.xml", data: new Uint8Array(100), claimedSize: 5000 }]);
    expect(rejectionCode(() => assertZipWithinLimits(zip, readZipDirectory(zip), megabyte))).toBe(
      "DOCUMENT_UNREADABLE",
    );
  });

  it("rejects an encrypted entry", () => {
    const zip = buildZip([{ name: "a.xml", data: new Uint8Array(10) }]);
    const entries = readZipDirectory(zip).map((entry) => ({ ...entry, encrypted: true }));
    expect(rejectionCode(() => assertZipWithinLimits(zip, entries, megabyte))).toBe("DOCUMENT_ENCRYPTED");
  });
});

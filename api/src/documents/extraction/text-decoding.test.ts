import { describe, expect, it } from "vitest";
import { decodeText } from "./text-decoding.js";

describe("decodeText", () => {
  it("decodes UTF-8 without its BOM and normalises newlines", () => {
    expect(decodeText(new TextEncoder().encode("\uFEFFÄrger\r\nüber\rStraße"))).toBe("Ärger\nüber\nStraße");
  });

  it("decodes UTF-16 with a BOM", () => {
    expect(decodeText(Buffer.from("\uFEFFGrüße", "utf16le"))).toBe("Grüße");
  });

  it("decodes Windows-1252, including the characters it adds to Latin-1", () => {
    const bytes = Uint8Array.from([
      0x93, 0x47, 0x72, 0xfc, 0xdf, 0x65, 0x94, 0x20, 0x80, 0x20, 0x96, 0x20, 0xe9,
    ]);
    expect(decodeText(bytes)).toBe("“Grüße” € – é");
  });

  it("refuses binary data", () => {
    expect(decodeText(Uint8Array.from([0x47, 0x00, 0x48]))).toBeNull();
    expect(decodeText(Uint8Array.from([0xe4, 0x01, 0x02]))).toBeNull();
    expect(decodeText(Uint8Array.from([0xe4, 0x81]))).toBeNull();
  });
});

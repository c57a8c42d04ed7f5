/**
 * Decodes an uploaded text file: UTF-8 (strictly; a BOM is dropped) or UTF-16 with a BOM. Returns null
 * for anything else, so that binary files and legacy encodings are refused instead of turned into
 * replacement characters. Newlines come out as "\n".
 */
export function decodeText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe)
      text = new TextDecoder("utf-16le", { fatal: true }).decode(bytes);
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
      text = new TextDecoder("utf-16be", { fatal: true }).decode(bytes);
    } else text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  // NUL is valid UTF-8 but no text file holds it; a binary format that happens to decode does.
  if (text.includes("\u0000")) return null;
  return normalizeNewlines(text);
}

export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

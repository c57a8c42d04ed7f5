/**
 * Decodes an uploaded text file: UTF-8 (strictly; a BOM is dropped), UTF-16 with a BOM, or else
 * Windows-1252, the superset of Latin-1 that Windows editors and Excel's CSV export still write in
 * Western Europe, when every byte is a character of it that text files hold. Returns null for
 * anything else, so that binary files are refused instead of turned into replacement characters.
 * Newlines come out as "\n".
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
    if (!isWindows1252Text(bytes)) return null;
    text = decodeWindows1252(bytes);
  }
  // NUL is valid UTF-8 but no text file holds it; a binary format that happens to decode does.
  if (text.includes("\u0000")) return null;
  return normalizeNewlines(text);
}

export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

/** Control characters other than tab, newlines and form feed, and the five bytes Windows-1252 leaves undefined. */
function isWindows1252Text(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) return false;
    if (byte === 0x7f || byte === 0x81 || byte === 0x8d || byte === 0x8f || byte === 0x90 || byte === 0x9d)
      return false;
  }
  return true;
}

/**
 * Node 20's TextDecoder("windows-1252") decodes as ISO-8859-1 (0x80 becomes U+0080, not "€"), so the
 * 32 bytes where the two differ are mapped here; the five undefined ones never get this far.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  let text = "";
  for (let start = 0; start < bytes.length; start += 8192) {
    const chunk = bytes.subarray(start, start + 8192);
    text += String.fromCharCode(
      ...Array.from(chunk, (byte) =>
        byte >= 0x80 && byte < 0xa0 ? windows1252High.charCodeAt(byte - 0x80) : byte,
      ),
    );
  }
  return text;
}

const windows1252High = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";

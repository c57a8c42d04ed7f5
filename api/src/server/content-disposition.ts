/**
 * `attachment` with the file's name: an ASCII fallback for old clients and the exact name (RFC 6266 /
 * RFC 5987 `filename*`), so that "Übersicht Q2.pdf" arrives as it was uploaded.
 */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

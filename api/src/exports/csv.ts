/**
 * CSV as spreadsheets read it (RFC 4180, CRLF line ends). Text cells that a spreadsheet would run as a
 * formula (=, +, -, @, tab, CR at the start) get a leading apostrophe: names are chosen by users.
 */
export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Excel opens UTF-8 CSV correctly only with a byte-order mark. */
export const CSV_BOM = "\uFEFF";

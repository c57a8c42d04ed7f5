/**
 * Renders rows as a Markdown table, the first row as its header. Cells may hold `|` and newlines,
 * which would otherwise end a cell or the table; both are escaped. Short rows are padded.
 */
export function markdownTable(rows: readonly (readonly string[])[]): string {
  const width = Math.max(0, ...rows.map((row) => row.length));
  if (rows.length === 0 || width === 0) return "";
  const line = (row: readonly string[]) =>
    `| ${Array.from({ length: width }, (_, index) => escapeCell(row[index] ?? "")).join(" | ")} |`;
  const [header = [], ...body] = rows;
  return [line(header), `|${" --- |".repeat(width)}`, ...body.map(line)].join("\n");
}

function escapeCell(cell: string): string {
  return cell
    .replace(/\|/g, "\\|")
    .replace(/\r\n?|\n/g, "<br>")
    .trim();
}

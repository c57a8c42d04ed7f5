// Splits one page of Markdown into the blocks chunking packs: headings, paragraphs, list items, tables and
// fenced code. Only what chunking needs is recognised; everything else is a paragraph.

export type MarkdownBlock =
  | { kind: "heading"; level: number; title: string }
  | { kind: "paragraph" | "list-item"; text: string }
  /** `header` is the header row and the separator line; `rows` the body rows, one line each. */
  | { kind: "table"; header: string; rows: string[] }
  | { kind: "code"; lines: string[] };

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S/;
const TABLE_SEPARATOR = /^ *\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$/;
const BLANK = /^\s*$/;

export function markdownBlocks(markdown: string): MarkdownBlock[] {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const blocks: MarkdownBlock[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? "";
    if (BLANK.test(line)) {
      index++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: "heading", level: heading[1]?.length ?? 1, title: (heading[2] ?? "").trim() });
      index++;
      continue;
    }
    const fence = FENCE.exec(line)?.[1];
    if (fence) {
      const end = lines.findIndex((candidate, at) => at > index && candidate.trim().startsWith(fence));
      const last = end === -1 ? lines.length - 1 : end;
      blocks.push({ kind: "code", lines: lines.slice(index, last + 1) });
      index = last + 1;
      continue;
    }
    if (line.includes("|") && TABLE_SEPARATOR.test(lines[index + 1] ?? "")) {
      let end = index + 2;
      while (end < lines.length && !BLANK.test(lines[end] ?? "") && lines[end]?.includes("|")) end++;
      blocks.push({
        kind: "table",
        header: `${line}\n${lines[index + 1]}`,
        rows: lines.slice(index + 2, end),
      });
      index = end;
      continue;
    }
    // A paragraph or list item runs until a blank line or the start of another block.
    const kind = LIST_ITEM.test(line) ? "list-item" : "paragraph";
    let end = index + 1;
    while (end < lines.length && !startsBlock(lines, end)) end++;
    blocks.push({ kind, text: lines.slice(index, end).join("\n").trim() });
    index = end;
  }
  return blocks;
}

function startsBlock(lines: string[], index: number): boolean {
  const line = lines[index] ?? "";
  return (
    BLANK.test(line) ||
    HEADING.test(line) ||
    FENCE.test(line) ||
    LIST_ITEM.test(line) ||
    (line.includes("|") && TABLE_SEPARATOR.test(lines[index + 1] ?? ""))
  );
}

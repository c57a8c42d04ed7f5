/**
 * Turns the labelled Markdown documents (documents/*.md) into the files a person would upload, so that the
 * retrieval benchmark measures extraction as well; run once, by hand, and commit what it writes:
 *   cd api && npx tsx bench/rag/make-set.ts
 * Each document's first line names its kind (`<!-- kind: PDF; language: de; title: … -->`); a line
 * `<!-- page -->` ends a page. files/manifest.json maps each document to its file and says on which of
 * the file's pages (as extraction numbers them) each Markdown page lands: a PDF keeps its pages, a
 * spreadsheet has one per sheet, every other kind is read as one page.
 * The scanned letter is rendered by Chromium (Playwright), as test/fixtures/documents/make-fixtures.ts does.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  PageBreak,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import ExcelJS from "exceljs";
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import { FILES_DIRECTORY, type ManifestEntry } from "./retrieval-set.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const sourceDirectory = path.join(here, "documents");
const outputDirectory = FILES_DIRECTORY;

export const PAGE_MARKER = "<!-- page -->";

type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "paragraph"; lines: string[] }
  | { kind: "list"; items: string[] }
  | { kind: "table"; header: string[]; rows: string[][] };

interface SourceDocument {
  id: string;
  kind: string;
  language: string;
  title: string;
  /** Each page's Markdown, without the kind line and the page markers. */
  pages: string[];
}

/** Reads a labelled document: its kind line, then pages separated by marker lines. */
export function readSourceDocument(file: string): SourceDocument {
  const markdown = readFileSync(file, "utf8");
  const [first = "", ...rest] = markdown.split("\n");
  const label = /^<!--\s*(.*?)\s*-->$/.exec(first.trim());
  if (!label?.[1]) throw new Error(`${file}: the first line must name the document's kind`);
  const fields = Object.fromEntries(
    label[1].split(";").map((field) => {
      const [key = "", ...value] = field.split(":");
      return [key.trim(), value.join(":").trim()];
    }),
  );
  const pages: string[] = [];
  let current: string[] = [];
  for (const line of rest) {
    if (line.trim() === PAGE_MARKER) {
      pages.push(current.join("\n").trim());
      current = [];
    } else current.push(line);
  }
  pages.push(current.join("\n").trim());
  return {
    id: path.basename(file, ".md"),
    kind: fields.kind ?? "",
    language: fields.language ?? "",
    title: fields.title ?? "",
    pages,
  };
}

const tableCells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, "")
    .split("|")
    .map((cell) => cell.trim());

/** The few Markdown blocks the documents use: headings, paragraphs, "- " lists, pipe tables. */
function parseBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let index = 0; index < lines.length; ) {
    const line = lines[index] ?? "";
    if (!line.trim()) {
      index++;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push({ kind: "heading", level: heading[1]?.length ?? 1, text: heading[2] ?? "" });
      index++;
    } else if (line.trimStart().startsWith("|")) {
      const rows: string[][] = [];
      for (; (lines[index] ?? "").trimStart().startsWith("|"); index++) {
        const cells = tableCells(lines[index] ?? "");
        if (!cells.every((cell) => /^:?-+:?$/.test(cell))) rows.push(cells);
      }
      const [header = [], ...body] = rows;
      blocks.push({ kind: "table", header, rows: body });
    } else if (line.startsWith("- ")) {
      const items: string[] = [];
      for (; (lines[index] ?? "").startsWith("- "); index++) items.push((lines[index] ?? "").slice(2));
      blocks.push({ kind: "list", items });
    } else {
      const paragraph: string[] = [];
      for (; (lines[index] ?? "").trim() && !/^(#|\||- )/.test(lines[index] ?? ""); index++) {
        paragraph.push(lines[index] ?? "");
      }
      blocks.push({ kind: "paragraph", lines: paragraph });
    }
  }
  return blocks;
}

// ---- PDF: one PDF page per Markdown page, text drawn with a text layer (A4, Helvetica).

const A4: [number, number] = [595, 842];
const MARGIN = 56;
const BODY_SIZE = 10;
const LEADING = 1.35;

interface PdfFonts {
  regular: PDFFont;
  bold: PDFFont;
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

class PdfPageWriter {
  private y = A4[1] - MARGIN;
  private readonly width = A4[0] - 2 * MARGIN;

  constructor(
    private readonly page: PDFPage,
    private readonly fonts: PdfFonts,
    private readonly label: string,
  ) {}

  private advance(height: number) {
    this.y -= height;
    if (this.y < MARGIN) throw new Error(`${this.label}: the page does not fit on one A4 page`);
  }

  text(text: string, options: { size?: number; bold?: boolean; indent?: number; prefix?: string } = {}) {
    const size = options.size ?? BODY_SIZE;
    const font = options.bold ? this.fonts.bold : this.fonts.regular;
    const indent = options.indent ?? 0;
    for (const [index, line] of wrap(text, font, size, this.width - indent).entries()) {
      this.advance(size * LEADING);
      if (index === 0 && options.prefix) {
        this.page.drawText(options.prefix, { x: MARGIN + indent - 10, y: this.y, size, font });
      }
      this.page.drawText(line, { x: MARGIN + indent, y: this.y, size, font });
    }
  }

  gap(height = BODY_SIZE * 0.6) {
    this.y -= height;
  }

  table(header: string[], rows: string[][]) {
    const size = BODY_SIZE - 1;
    const all = [header, ...rows];
    const columns = header.length;
    // Columns get the page's width in proportion to their longest cell (capped, so prose cells wrap).
    const longest = Array.from({ length: columns }, (_, column) =>
      Math.min(40, Math.max(6, ...all.map((row) => (row[column] ?? "").length))),
    );
    const total = longest.reduce((sum, value) => sum + value, 0);
    const widths = longest.map((value) => (value / total) * this.width);
    const padding = 4;
    for (const [rowIndex, row] of all.entries()) {
      const font = rowIndex === 0 ? this.fonts.bold : this.fonts.regular;
      const cells = widths.map((width, column) => wrap(row[column] ?? "", font, size, width - 2 * padding));
      const height = Math.max(1, ...cells.map((lines) => lines.length)) * size * LEADING + padding;
      const top = this.y;
      this.advance(height);
      let x = MARGIN;
      for (const [column, lines] of cells.entries()) {
        for (const [lineIndex, line] of lines.entries()) {
          const baseline = top - (lineIndex + 1) * size * LEADING;
          this.page.drawText(line, { x: x + padding, y: baseline, size, font });
        }
        x += widths[column] ?? 0;
      }
      this.page.drawLine({
        start: { x: MARGIN, y: this.y },
        end: { x: MARGIN + this.width, y: this.y },
        thickness: 0.4,
        color: rgb(0.6, 0.6, 0.6),
      });
    }
  }
}

async function writePdf(source: SourceDocument): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(source.title);
  const fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
  };
  for (const [index, markdown] of source.pages.entries()) {
    const writer = new PdfPageWriter(pdf.addPage(A4), fonts, `${source.id} page ${index + 1}`);
    for (const block of parseBlocks(markdown)) {
      if (block.kind === "heading") {
        writer.gap(BODY_SIZE * 0.6);
        writer.text(block.text, { size: [16, 13, 11][block.level - 1] ?? 11, bold: true });
      } else if (block.kind === "paragraph") writer.text(block.lines.join(" "));
      else if (block.kind === "list") {
        for (const item of block.items) writer.text(item, { indent: 14, prefix: "•" });
      } else writer.table(block.header, block.rows);
      writer.gap();
    }
  }
  return pdf.save();
}

// ---- DOCX: headings, paragraphs, bullets and tables; a page break where the Markdown has one.

async function writeDocx(source: SourceDocument): Promise<Uint8Array> {
  const children: (Paragraph | Table)[] = [];
  const headingLevels = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3];
  const cell = (text: string, bold = false) =>
    new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold })] })] });
  for (const [index, markdown] of source.pages.entries()) {
    if (index > 0) children.push(new Paragraph({ children: [new PageBreak()] }));
    for (const block of parseBlocks(markdown)) {
      if (block.kind === "heading") {
        children.push(new Paragraph({ text: block.text, heading: headingLevels[block.level - 1] }));
      } else if (block.kind === "paragraph") {
        children.push(new Paragraph({ text: block.lines.join(" "), alignment: AlignmentType.LEFT }));
      } else if (block.kind === "list") {
        for (const item of block.items) children.push(new Paragraph({ text: item, bullet: { level: 0 } }));
      } else {
        children.push(
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [
              new TableRow({ tableHeader: true, children: block.header.map((text) => cell(text, true)) }),
              ...block.rows.map((row) => new TableRow({ children: row.map((text) => cell(text)) })),
            ],
          }),
        );
      }
    }
  }
  const document = new Document({ title: source.title, sections: [{ children }] });
  return new Uint8Array(await Packer.toBuffer(document));
}

// ---- Tables: each "##" section's table a worksheet (XLSX), or the one table as CSV.

function sectionTables(source: SourceDocument): { name: string; header: string[]; rows: string[][] }[] {
  const tables: { name: string; header: string[]; rows: string[][] }[] = [];
  let name = source.title;
  for (const block of parseBlocks(source.pages.join("\n\n"))) {
    if (block.kind === "heading") name = block.text;
    if (block.kind === "table") tables.push({ name, header: block.header, rows: block.rows });
  }
  return tables;
}

async function writeXlsx(source: SourceDocument): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.title = source.title;
  for (const table of sectionTables(source)) {
    const sheet = workbook.addWorksheet(table.name.slice(0, 31));
    // Typed as the text people see: extraction reads a cell's displayed text, and "1,650.00" is not 1650.
    sheet.addRow(table.header).font = { bold: true };
    for (const row of table.rows) sheet.addRow(row);
    sheet.columns.forEach((column) => {
      column.width = 24;
    });
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

function writeCsv(source: SourceDocument): Uint8Array {
  const [table] = sectionTables(source);
  if (!table) throw new Error(`${source.id}: no table for a CSV`);
  // Semicolons, as a German spreadsheet exports them; quoted where a cell needs it.
  const field = (value: string) => (/[;"\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const lines = [table.header, ...table.rows].map((row) => row.map(field).join(";"));
  return new TextEncoder().encode(`${lines.join("\r\n")}\r\n`);
}

// ---- HTML: the content in an article, between the navigation, cookie banner and footer of a website.

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function blocksToHtml(markdown: string): string {
  return parseBlocks(markdown)
    .map((block) => {
      if (block.kind === "heading") return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`;
      if (block.kind === "paragraph") return `<p>${escapeHtml(block.lines.join(" "))}</p>`;
      if (block.kind === "list") {
        return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join("")}</ul>`;
      }
      const row = (cells: string[], tag: string) =>
        `<tr>${cells.map((cell) => `<${tag}>${escapeHtml(cell)}</${tag}>`).join("")}</tr>`;
      return `<table><thead>${row(block.header, "th")}</thead><tbody>${block.rows.map((cells) => row(cells, "td")).join("")}</tbody></table>`;
    })
    .join("\n");
}

function writeHtml(source: SourceDocument): Uint8Array {
  const german = source.language === "de";
  const navigation = german
    ? ["Startseite", "Über uns", "Karriere", "Leistungen", "Kontakt"]
    : ["Home", "About us", "Products", "Support", "Contact"];
  const html = `<!doctype html>
<html lang="${source.language}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(source.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/site.css">
<script src="/assets/analytics.js" defer></script>
</head>
<body>
<div class="cookie-banner" role="dialog">${german ? "Wir verwenden Cookies, um unsere Website zu verbessern. <button type='button'>Alle akzeptieren</button> <button type='button'>Nur notwendige</button>" : "We use cookies to improve your experience. <button type='button'>Accept all</button> <button type='button'>Reject</button>"}</div>
<header class="site-header">
<a class="logo" href="/">${german ? "Zur Startseite" : "Back to home"}</a>
<nav aria-label="main"><ul>${navigation.map((item) => `<li><a href="/${encodeURIComponent(item.toLowerCase())}">${item}</a></li>`).join("")}</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="${german ? "Suchen" : "Search"}"></form>
</header>
<div class="breadcrumbs"><a href="/">${navigation[0]}</a> › <a href="/support">${navigation[3]}</a> › ${escapeHtml(source.title)}</div>
<main>
<article>
${source.pages.map(blocksToHtml).join("\n")}
</article>
</main>
<aside class="related"><h3>${german ? "Das könnte Sie auch interessieren" : "You might also like"}</h3><ul><li><a href="/news">${german ? "Neuigkeiten" : "News"}</a></li><li><a href="/events">${german ? "Veranstaltungen" : "Events"}</a></li></ul></aside>
<footer class="site-footer">
<p>© 2026 · <a href="/imprint">${german ? "Impressum" : "Imprint"}</a> · <a href="/privacy">${german ? "Datenschutz" : "Privacy"}</a> · <a href="/terms">${german ? "AGB" : "Terms"}</a></p>
<p>${german ? "Folgen Sie uns" : "Follow us"}: <a href="https://example.com/social">LinkedIn</a> · <a href="https://example.com/video">YouTube</a></p>
</footer>
</body>
</html>
`;
  return new TextEncoder().encode(html);
}

// ---- A scan: the letter rendered as an image, read back by OCR.

async function writeScanPng(source: SourceDocument): Promise<Uint8Array> {
  // playwright-core sits at the repository root (a PWA dev dependency), not in the API's packages.
  const { chromium } = createRequire(path.join(here, "../../../pwa/package.json"))(
    "playwright-core",
  ) as typeof import("playwright-core");
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
    const paragraphs = source.pages
      .join("\n\n")
      .split(/\n\n+/)
      .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, "<br>")}</p>`)
      .join("");
    await page.setContent(
      `<!doctype html><html lang="de"><body style="margin:40px;font:19px/1.45 'DejaVu Serif',serif;color:#000;background:#fff">${paragraphs}</body></html>`,
    );
    return new Uint8Array(await page.screenshot({ fullPage: true, type: "png" }));
  } finally {
    await browser.close();
  }
}

const stripLabel = (source: SourceDocument) => `${source.pages.join("\n\n")}\n`;
const onePage = (source: SourceDocument, filePage = 1) =>
  Object.fromEntries(source.pages.map((_, index) => [String(index + 1), [filePage]]));

async function makeFile(
  source: SourceDocument,
): Promise<{ file: string; bytes: Uint8Array; pages: ManifestEntry["pages"] }> {
  switch (source.kind) {
    case "PDF":
      return {
        file: `${source.id}.pdf`,
        bytes: await writePdf(source),
        pages: Object.fromEntries(source.pages.map((_, index) => [String(index + 1), [index + 1]])),
      };
    case "DOCX":
      return { file: `${source.id}.docx`, bytes: await writeDocx(source), pages: onePage(source) };
    case "XLSX": {
      const sheets = sectionTables(source).map((_, index) => index + 1);
      return {
        file: `${source.id}.xlsx`,
        bytes: await writeXlsx(source),
        pages: Object.fromEntries(source.pages.map((_, index) => [String(index + 1), sheets])),
      };
    }
    case "CSV":
      return { file: `${source.id}.csv`, bytes: writeCsv(source), pages: onePage(source) };
    case "HTML":
      return { file: `${source.id}.html`, bytes: writeHtml(source), pages: onePage(source) };
    case "SCAN":
      return { file: `${source.id}.png`, bytes: await writeScanPng(source), pages: onePage(source) };
    case "TXT":
      return {
        file: `${source.id}.txt`,
        bytes: new TextEncoder().encode(stripLabel(source)),
        pages: onePage(source),
      };
    case "MARKDOWN":
      return {
        file: `${source.id}.md`,
        bytes: new TextEncoder().encode(stripLabel(source)),
        pages: onePage(source),
      };
    default:
      throw new Error(`${source.id}: unknown kind ${source.kind}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(outputDirectory, { recursive: true });
  const manifest: Record<string, ManifestEntry> = {};
  for (const name of readdirSync(sourceDirectory)
    .filter((entry) => entry.endsWith(".md"))
    .sort()) {
    const source = readSourceDocument(path.join(sourceDirectory, name));
    const { file, bytes, pages } = await makeFile(source);
    if (bytes.byteLength > 200 * 1024) throw new Error(`${file} is ${bytes.byteLength} bytes (limit 200 KB)`);
    writeFileSync(path.join(outputDirectory, file), bytes);
    manifest[source.id] = { file, kind: source.kind, language: source.language, title: source.title, pages };
    console.log(
      `${file.padEnd(48)} ${source.kind.padEnd(9)} ${(bytes.byteLength / 1024).toFixed(1).padStart(6)} KB`,
    );
  }
  writeFileSync(path.join(outputDirectory, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

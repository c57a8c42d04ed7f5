import { markdownTable } from "./markdown-table.js";

/**
 * Turns a DOM (linkedom, from mammoth's DOCX output or Readability's main content) into Markdown:
 * headings, paragraphs, lists, tables, quotes, code, emphasis and links. Only what carries text for
 * reading and search; layout and styling are dropped.
 */
export function htmlToMarkdown(root: Node): string {
  return renderBlocks(root)
    .join("\n\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const skippedTags = new Set(["script", "style", "noscript", "template", "svg", "head", "iframe", "object"]);
const blockTags = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "body",
  "dd",
  "details",
  "div",
  "dl",
  "dt",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "html",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "summary",
  "table",
  "ul",
]);

const textNode = 3;
const elementNode = 1;

function tagOf(node: Node): string {
  return node.nodeType === elementNode ? (node as Element).tagName.toLowerCase() : "";
}

function isBlock(node: Node): boolean {
  return blockTags.has(tagOf(node));
}

/** Renders a node's children as blocks; inline runs between blocks become paragraphs. */
function renderBlocks(node: Node): string[] {
  const blocks: string[] = [];
  let inline = "";
  const flush = () => {
    const paragraph = collapse(inline);
    if (paragraph) blocks.push(paragraph);
    inline = "";
  };
  for (const child of Array.from(node.childNodes)) {
    if (isBlock(child)) {
      flush();
      const block = renderBlock(child as Element);
      if (block) blocks.push(block);
    } else {
      inline += renderInline(child);
    }
  }
  flush();
  return blocks;
}

function renderBlock(element: Element): string {
  const tag = tagOf(element);
  const heading = /^h([1-6])$/.exec(tag);
  if (heading) {
    const text = collapse(renderInlineChildren(element));
    return text ? `${"#".repeat(Number(heading[1]))} ${text}` : "";
  }
  switch (tag) {
    case "p":
    case "dt":
    case "summary":
    case "figcaption":
      return collapse(renderInlineChildren(element));
    case "hr":
      return "---";
    case "pre":
      return renderPre(element);
    case "blockquote":
      return renderBlocks(element)
        .join("\n\n")
        .split("\n")
        .map((line) => (line ? `> ${line}` : ">"))
        .join("\n");
    case "ul":
    case "ol":
      return renderList(element);
    case "table":
      return renderTable(element);
    default:
      return renderBlocks(element).join("\n\n");
  }
}

function renderPre(element: Element): string {
  const code = (element.textContent ?? "").replace(/\n$/, "");
  if (!code.trim()) return "";
  const fence = code.includes("```") ? "~~~" : "```";
  return `${fence}\n${code}\n${fence}`;
}

function renderList(list: Element): string {
  const ordered = tagOf(list) === "ol";
  const start = Number(list.getAttribute("start") ?? "1") || 1;
  const items = Array.from(list.children).filter((child) => tagOf(child) === "li");
  return items
    .map((item, index) => {
      const marker = ordered ? `${start + index}.` : "-";
      const pad = " ".repeat(marker.length + 1);
      const [first = "", ...rest] = renderBlocks(item);
      const lines = [`${marker} ${indentLines(first, pad).trimStart()}`];
      // A nested list follows its item's line directly; other blocks in an item are its paragraphs.
      for (const block of rest)
        lines.push(`${/^(-|\d+\.) /.test(block) ? "" : "\n"}${indentLines(block, pad)}`);
      return lines.join("\n");
    })
    .join("\n");
}

function indentLines(text: string, pad: string): string {
  return text
    .split("\n")
    .map((line) => (line ? pad + line : line))
    .join("\n");
}

function renderTable(table: Element): string {
  const rows = Array.from(table.querySelectorAll("tr")).filter((row) => row.closest("table") === table);
  const cells = rows.map((row) =>
    Array.from(row.children)
      .filter((cell) => tagOf(cell) === "td" || tagOf(cell) === "th")
      .map((cell) => renderBlocks(cell).join(" ")),
  );
  return markdownTable(cells.filter((row) => row.some((cell) => cell.trim())));
}

function renderInlineChildren(element: Node): string {
  return Array.from(element.childNodes).map(renderInline).join("");
}

function renderInline(node: Node): string {
  if (node.nodeType === textNode) return inlineText(node.textContent ?? "");
  if (node.nodeType !== elementNode) return "";
  const tag = tagOf(node);
  if (skippedTags.has(tag)) return "";
  if (isBlock(node)) return ` ${renderBlocks(node).join(" ")} `;
  const element = node as Element;
  switch (tag) {
    case "br":
      return "\n";
    case "strong":
    case "b":
      return wrap(renderInlineChildren(element), "**");
    case "em":
    case "i":
      return wrap(renderInlineChildren(element), "_");
    case "code":
      return wrap((element.textContent ?? "").replace(/`/g, "'"), "`");
    case "img": {
      const alt = collapse(element.getAttribute("alt") ?? "");
      return alt ? `[${alt}]` : "";
    }
    case "a": {
      const text = renderInlineChildren(element);
      const href = element.getAttribute("href") ?? "";
      return /^https?:\/\//i.test(href) && collapse(text)
        ? `[${collapse(text)}](${href.replace(/\)/g, "%29")})`
        : text;
    }
    default:
      return renderInlineChildren(element);
  }
}

/** Emphasis markers must touch the text, so surrounding spaces move outside them. */
function wrap(text: string, marker: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(text);
  if (!match?.[2]) return text;
  return `${match[1]}${marker}${match[2]}${marker}${match[3]}`;
}

/** Collapses HTML whitespace but keeps `<br>` line breaks. */
function collapse(text: string): string {
  return text
    .split("\n")
    .map((line) => line.replace(/[ \t\r\f\u00a0]+/g, " ").trim())
    .filter((line, index, lines) => line || (index > 0 && lines[index - 1]))
    .join("\n")
    .trim();
}

/**
 * Whitespace in HTML text is layout. Markdown characters in it stay unescaped: the text is read by
 * people, a model and full-text search, for which `snake\_case` would be worse than a rare misrendering.
 */
function inlineText(text: string): string {
  return text.replace(/\s+/g, " ");
}

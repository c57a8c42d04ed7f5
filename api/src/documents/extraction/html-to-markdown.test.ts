import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { htmlToMarkdown } from "./html-to-markdown.js";

function markdownOf(body: string): string {
  const { document } = parseHTML(`<!doctype html><html><body>${body}</body></html>`);
  return htmlToMarkdown(document.body);
}

describe("htmlToMarkdown", () => {
  it("renders headings, paragraphs and emphasis", () => {
    expect(markdownOf("<h2>Title</h2><p>Some <b>bold </b>and <em>light</em> text.</p>")).toBe(
      "## Title\n\nSome **bold** and _light_ text.",
    );
  });

  it("renders nested and ordered lists", () => {
    expect(
      markdownOf('<ul><li>one<ul><li>inner</li></ul></li><li>two</li></ul><ol start="3"><li>c</li></ol>'),
    ).toBe("- one\n  - inner\n- two\n\n3. c");
  });

  it("renders a table with a header row and escapes pipes", () => {
    const html =
      "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>x|y</td><td></td></tr></tbody></table>";
    expect(markdownOf(html)).toBe("| A | B |\n| --- | --- |\n| x\\|y |  |");
  });

  it("keeps web links, drops scripts and styles, and fences code", () => {
    const html =
      '<p><a href="https://example.com/a)">Example</a> and <a href="/local">local</a></p><script>alert(1)</script><style>p{}</style><pre>let a = 1;\n</pre>';
    expect(markdownOf(html)).toBe("[Example](https://example.com/a%29) and local\n\n```\nlet a = 1;\n```");
  });

  it("quotes blockquotes and keeps line breaks", () => {
    expect(markdownOf("<blockquote><p>first<br>second</p></blockquote>")).toBe("> first\n> second");
  });
});

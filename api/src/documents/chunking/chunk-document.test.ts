import { describe, expect, it } from "vitest";
import { chunkDocument } from "./chunk-document.js";
import { countTokens, splitAtTokens } from "./token-count.js";

const SENTENCES = [
  "Die Kündigung des Mietvertrags bedarf der Schriftform.",
  "Sie muss spätestens am dritten Werktag eines Kalendermonats zugehen.",
  "The tenant may terminate the lease with three months' notice.",
  "Für Schäden an der Mietsache haftet der Mieter nach den gesetzlichen Vorschriften.",
  "Größere Reparaturen übernimmt der Vermieter 🛠️ auf eigene Kosten.",
];

function prose(sentences: number, offset = 0): string {
  return Array.from({ length: sentences }, (_, index) => SENTENCES[(index + offset) % SENTENCES.length]).join(
    " ",
  );
}

function table(rows: number): string {
  const body = Array.from({ length: rows }, (_, index) => `| Zeile ${index} | Größe ${index} m² | ✅ |`);
  return ["| Raum | Fläche | Geprüft |", "| --- | --- | --- |", ...body].join("\n");
}

describe("chunkDocument", () => {
  it("gives no chunks for empty and whitespace-only text", () => {
    expect(chunkDocument([])).toEqual([]);
    expect(
      chunkDocument([
        { page: 1, markdown: "" },
        { page: 2, markdown: "  \n\n\t \n" },
      ]),
    ).toEqual([]);
    expect(chunkDocument([{ page: 1, markdown: "# Nur eine Überschrift\n\n## Und noch eine" }])).toEqual([]);
  });

  it("carries the heading breadcrumb, a heading resetting deeper levels, across pages", () => {
    const chunks = chunkDocument([
      { page: 1, markdown: "Vorwort ohne Überschrift.\n\n# Kapitel 1\nEinleitung.\n\n## Kündigung\nText A." },
      {
        page: 2,
        markdown: "Fortsetzung A.\n\n### Fristen\nText B.\n\n## Haftung\nText C.\n\n# Kapitel 2 #\nText D.",
      },
    ]);
    expect(chunks.map(({ page, section, text }) => ({ page, section, text }))).toEqual([
      { page: 1, section: "", text: "Vorwort ohne Überschrift." },
      { page: 1, section: "Kapitel 1", text: "Einleitung." },
      { page: 1, section: "Kapitel 1 › Kündigung", text: "Text A." },
      { page: 2, section: "Kapitel 1 › Kündigung", text: "Fortsetzung A." },
      { page: 2, section: "Kapitel 1 › Kündigung › Fristen", text: "Text B." },
      { page: 2, section: "Kapitel 1 › Haftung", text: "Text C." },
      { page: 2, section: "Kapitel 2", text: "Text D." },
    ]);
    expect(chunks.map((chunk) => chunk.ordinal)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("keeps every chunk on one page", () => {
    const pages = [1, 2, 3].map((page) => ({ page, markdown: `${prose(3)}\n\n${prose(2, page)}` }));
    const chunks = chunkDocument(pages, { targetTokens: 1000 });
    expect(chunks.map((chunk) => chunk.page)).toEqual([1, 2, 3]);
    expect(chunks[1]?.text).toBe(`${prose(3)}\n\n${prose(2, 2)}`);
  });

  it("packs whole paragraphs and list items up to the target", () => {
    const paragraphs = Array.from({ length: 12 }, (_, index) => prose(2, index));
    const markdown = `${paragraphs.join("\n\n")}\n\n- erstens\n- zweitens\n- drittens`;
    const chunks = chunkDocument([{ page: 1, markdown }], { targetTokens: 120, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBe(countTokens(chunk.text));
      expect(chunk.tokenCount).toBeLessThanOrEqual(120 + 4);
      // Without overlap every chunk is made of whole paragraphs.
      for (const part of chunk.text.split("\n\n")) {
        expect([...paragraphs, "- erstens\n- zweitens\n- drittens"]).toContain(part);
      }
    }
    expect(chunks.at(-1)?.text.endsWith("- erstens\n- zweitens\n- drittens")).toBe(true);
  });

  it("splits a paragraph larger than the target at sentence boundaries, with overlap", () => {
    const chunks = chunkDocument([{ page: 1, markdown: `# Miete\n${prose(60)}` }], {
      targetTokens: 100,
      overlapTokens: 30,
    });
    expect(chunks.length).toBeGreaterThan(5);
    for (const [index, chunk] of chunks.entries()) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(100 + 4);
      expect(chunk.section).toBe("Miete");
      // Whole sentences only.
      expect(SENTENCES.some((sentence) => chunk.text.startsWith(sentence))).toBe(true);
      expect(SENTENCES.some((sentence) => chunk.text.endsWith(sentence))).toBe(true);
      const previous = chunks[index - 1];
      if (previous) {
        const lastSentence = SENTENCES.find((sentence) => previous.text.endsWith(sentence)) ?? "";
        expect(chunk.text.startsWith(lastSentence)).toBe(true);
      }
    }
  });

  it("does not overlap across sections or pages", () => {
    const chunks = chunkDocument(
      [
        { page: 1, markdown: `# A\n${prose(4)}\n\n# B\n${prose(1, 3)}` },
        { page: 2, markdown: prose(1, 4) },
      ],
      { targetTokens: 200, overlapTokens: 64 },
    );
    expect(chunks.map((chunk) => chunk.text)).toEqual([prose(4), prose(1, 3), prose(1, 4)]);
  });

  it("cuts a sentence larger than the target at token boundaries, keeping every character", () => {
    const sentence = `${"Donaudampfschifffahrtsgesellschaftskapitänsmütze 🚢🇩🇪 ".repeat(80)}.`;
    const chunks = chunkDocument([{ page: 1, markdown: sentence }], { targetTokens: 64, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(10);
    expect(
      chunks
        .map((chunk) => chunk.text)
        .join("")
        .replace(/\s+/g, ""),
    ).toBe(sentence.replace(/\s+/g, ""));
    for (const chunk of chunks) {
      expect(chunk.text).not.toContain("\uFFFD");
      expect(chunk.tokenCount).toBeLessThanOrEqual(64 + 4);
    }
  });

  it("splits tables only between rows and repeats the header and separator", () => {
    const markdown = `Vor der Tabelle.\n\n${table(60)}\n\nNach der Tabelle.`;
    const chunks = chunkDocument([{ page: 4, markdown }], { targetTokens: 150 });
    const tableChunks = chunks.filter((chunk) => chunk.text.includes("| Raum |"));
    expect(tableChunks.length).toBeGreaterThan(2);
    const rows: string[] = [];
    for (const chunk of tableChunks) {
      const lines = chunk.text.slice(chunk.text.indexOf("| Raum |")).split("\n\n")[0]?.split("\n") ?? [];
      expect(lines.slice(0, 2)).toEqual(["| Raum | Fläche | Geprüft |", "| --- | --- | --- |"]);
      for (const line of lines.slice(2)) expect(line).toMatch(/^\| Zeile \d+ \| Größe \d+ m² \| ✅ \|$/);
      rows.push(...lines.slice(2));
      expect(chunk.tokenCount).toBeLessThanOrEqual(150 + 4);
    }
    expect(rows).toEqual(table(60).split("\n").slice(2));
  });

  it("keeps German umlauts, ß and emoji intact", () => {
    const text = "Grüße aus Köln 👋🏽! Die Straße heißt „Äußere Überfahrt“ 🚀. Ça va? 日本語.";
    const [chunk] = chunkDocument([{ page: 1, markdown: `## Über uns\n${text}` }]);
    expect(chunk).toEqual({ ordinal: 0, page: 1, section: "Über uns", text, tokenCount: countTokens(text) });
  });

  it("is deterministic and chunks 100 pages quickly", () => {
    const pages = Array.from({ length: 100 }, (_, index) => ({
      page: index + 1,
      markdown: `# Kapitel ${index + 1}\n${prose(30, index)}\n\n${prose(20, index + 1)}\n\n${table(15)}`,
    }));
    const first = chunkDocument(pages);
    expect(first.length).toBeGreaterThanOrEqual(200);
    expect(chunkDocument(pages)).toEqual(first);
    expect(new Set(first.map((chunk) => chunk.page)).size).toBe(100);
  });
});

describe("splitAtTokens", () => {
  it("never cuts inside a character", () => {
    const text = "👋🏽🇩🇪 Grüße ".repeat(50);
    const pieces = splitAtTokens(text, 3);
    expect(pieces.join("")).toBe(text);
    for (const piece of pieces) expect(piece).not.toContain("\uFFFD");
  });
});

import { describe, expect, it } from "vitest";
import { suggestSlug } from "./slug";

describe("suggestSlug", () => {
  it("turns a name into letters, digits and single dashes", () => {
    expect(suggestSlug("Acme GmbH")).toBe("acme-gmbh");
    expect(suggestSlug("  ACME -- Research & Development (EU) ")).toBe("acme-research-development-eu");
    expect(suggestSlug("Studio 54")).toBe("studio-54");
  });

  it("spells German letters out and drops other accents", () => {
    expect(suggestSlug("Müller & Söhne")).toBe("mueller-soehne");
    expect(suggestSlug("Straße der Äpfel")).toBe("strasse-der-aepfel");
    expect(suggestSlug("Crème Brûlée Café")).toBe("creme-brulee-cafe");
    expect(suggestSlug("ＡＢＣ")).toBe("abc");
  });

  it("stays within 48 characters, without a dash at the end", () => {
    const slug = suggestSlug(`${"a".repeat(47)} b`);
    expect(slug).toBe("a".repeat(47));
    expect(suggestSlug("x".repeat(60))).toHaveLength(48);
  });

  it("suggests nothing for a name without letters or digits", () => {
    expect(suggestSlug("!!!")).toBe("");
    expect(suggestSlug("")).toBe("");
  });
});

import { describe, expect, it } from "vitest";
import { detectLanguage } from "./detect-language.js";

describe("detectLanguage", () => {
  it("recognises German and English prose", () => {
    expect(detectLanguage("Der Bericht ist fertig, und wir haben ihn mit dem Team geteilt.")).toBe("german");
    expect(detectLanguage("The report is finished and we have shared it with the team.")).toBe("english");
  });

  it("falls back to simple for too little text or no clear winner", () => {
    expect(detectLanguage("Umsatz 2026: 1.200 €")).toBe("simple");
    expect(detectLanguage("the and is der und ist")).toBe("simple");
    expect(detectLanguage("")).toBe("simple");
  });
});

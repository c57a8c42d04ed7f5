// An organisation's short name as the API accepts it: 1–48 of a–z, 0–9 and dashes, no dash at either end.
const MAX_LENGTH = 48;
const GERMAN_LETTERS: Record<string, string> = { ä: "ae", ö: "oe", ü: "ue", ß: "ss" };

/** A short name suggested for an organisation's name: "Müller & Söhne GmbH" → "mueller-soehne-gmbh". */
export function suggestSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[äöüß]/g, (letter) => GERMAN_LETTERS[letter] ?? letter)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, MAX_LENGTH)
    .replace(/-+$/, "");
}

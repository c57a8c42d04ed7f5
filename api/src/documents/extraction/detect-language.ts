import type { TextLanguage } from "./types.js";

// Frequent function words that the other language does not share ("die", "in", "was" are left out).
const germanWords = new Set(
  "der das und ist nicht ein eine einer eines einem einen mit sich auf für dem den des von zu auch wird werden wurde sind als bei nach oder aber wenn noch nur über wie dass daß kann können hat haben sie wir ich ihr uns zum zur durch diese dieser dieses sein seine ihre unter vom im".split(
    " ",
  ),
);
const englishWords = new Set(
  "the and is are were not of to with that this these those for from by on at be been being have has had which who what would can could should there their they we you it its or but if as into about than then".split(
    " ",
  ),
);

/**
 * Picks the Postgres text-search configuration for a text by counting German and English stopwords.
 * Too few of either, or no clear winner, gives "simple" (no stemming, no stopwords), which is never
 * wrong, only less forgiving.
 */
export function detectLanguage(text: string): TextLanguage {
  let german = 0;
  let english = 0;
  for (const match of text.toLowerCase().matchAll(/\p{L}+/gu)) {
    const word = match[0];
    if (germanWords.has(word)) german++;
    else if (englishWords.has(word)) english++;
  }
  if (german + english < 3) return "simple";
  if (german >= english * 1.5) return "german";
  if (english >= german * 1.5) return "english";
  return "simple";
}

// Sentence boundaries for German and English text (Intl.Segmenter), with the abbreviations ICU would
// otherwise end a sentence at ("z. B. Der", "Abs. 2", "Dr. Müller") joined back.

const segmenter = new Intl.Segmenter("de", { granularity: "sentence" });

const ABBREVIATION =
  /(?:^|[\s(])(?:[A-Za-zÄÖÜäöü]|z\.\s?B|d\.\s?h|u\.\s?a|bzw|usw|vgl|ggf|inkl|evtl|zzgl|Abs|Nr|Art|Ziff|Bd|Dr|Prof|Hr|Fr|ca|etc|St|Mr|Mrs|Ms|No|e\.g|i\.e|vs)\.\s*$/;

/** The sentences of `text`, trimmed, without empty ones; joined by spaces they give the text's words back. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let pending = "";
  for (const { segment } of segmenter.segment(text)) {
    pending += segment;
    if (ABBREVIATION.test(pending)) continue;
    const sentence = pending.trim();
    if (sentence) sentences.push(sentence);
    pending = "";
  }
  const rest = pending.trim();
  if (rest) sentences.push(rest);
  return sentences;
}

// Sentence boundaries for German and English text (Intl.Segmenter), with the abbreviations ICU would
// otherwise end a sentence at ("z. B. Der", "Abs. 2", "Dr. Müller") joined back.

const segmenter = new Intl.Segmenter("de", { granularity: "sentence" });

const ABBREVIATION =
  /(?:^|[\s(])(?:[A-Za-zÄÖÜäöü]|z\.\s?B|d\.\s?h|u\.\s?a|bzw|usw|vgl|ggf|inkl|evtl|zzgl|Abs|Nr|Art|Ziff|Bd|Dr|Prof|Hr|Fr|ca|etc|St|Mr|Mrs|Ms|No|e\.g|i\.e|vs)\.\s*$/;

/** Longest stretch handed to the segmenter at once: on one long text its iteration slows down (quadratically). */
const WINDOW_CHARS = 2_000;

/** The sentences of `text`, trimmed, without empty ones; joined by spaces they give the text's words back. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let pending = "";
  for (const window of windows(text)) {
    for (const { segment } of segmenter.segment(window)) {
      pending += segment;
      if (ABBREVIATION.test(pending)) continue;
      const sentence = pending.trim();
      if (sentence) sentences.push(sentence);
      pending = "";
    }
  }
  const rest = pending.trim();
  if (rest) sentences.push(rest);
  return sentences;
}

/**
 * `text` in consecutive stretches of about WINDOW_CHARS, each ending after a full stop, question or
 * exclamation mark and the space after it (a sentence end in all but abbreviations, which the caller
 * joins back), or — in text without any — after a space.
 */
function* windows(text: string): Generator<string> {
  let start = 0;
  while (text.length - start > WINDOW_CHARS) {
    const stretch = text.slice(start, start + WINDOW_CHARS);
    const sentenceEnd = lastMatchEnd(stretch, /[.!?]["'»“”)]*\s+/g);
    let cut = sentenceEnd > WINDOW_CHARS / 4 ? sentenceEnd : lastMatchEnd(stretch, /\s+/g);
    if (cut === 0) {
      // One endless word: cut anywhere, but not inside a surrogate pair.
      cut = WINDOW_CHARS;
      if (/[\uD800-\uDBFF]/.test(stretch.charAt(cut - 1))) cut -= 1;
    }
    yield text.slice(start, start + cut);
    start += cut;
  }
  if (start < text.length) yield text.slice(start);
}

function lastMatchEnd(text: string, pattern: RegExp): number {
  let end = 0;
  for (const match of text.matchAll(pattern)) end = match.index + match[0].length;
  return end;
}

// A deterministic stand-in for an embedding model, served by the fake provider and usable by benchmarks
// directly: texts that share words (or parts of words: "Erstattung" / "erstattet") get similar vectors.
// Feature hashing: every lower-cased word (but the commonest German and English function words, which
// real models learn to look past) and every character trigram of it is hashed (FNV-1a) to one dimension,
// with a sign from another bit of the hash; words weigh more than trigrams, repeats count sublinearly
// (1 + ln n, as in tf-idf), and the vector is L2-normalised.

export const FAKE_EMBEDDING_DIMENSIONS = 256;

const WORD_WEIGHT = 1;
const TRIGRAM_WEIGHT = 0.4;
// Unicode letters and digits: umlauts, ß, accents and other scripts are parts of words.
const WORD_PATTERN = /[\p{L}\p{N}]+/gu;
const UTF8 = new TextEncoder();
const STOP_WORDS = new Set(
  (
    "der die das den dem des ein eine einer eines einem einen und oder aber in im ist sind war wird werden " +
    "zu zum zur mit von vom für auf an am bei aus als wie was wer wo nicht auch es sie er wir ich ihr man " +
    "sich dass so nach über unter bis sein hat haben kann können muss müssen darf dürfen wenn " +
    "the a an and or but of to in on at for with from by as is are was were be been it its this that " +
    "these those which who what how do does did can may must not no if we you they he she i our your"
  ).split(" "),
);

/** The words the fake embedder (and its token count) sees: lower-cased runs of letters and digits. */
export function fakeWords(text: string): string[] {
  return text.normalize("NFC").toLowerCase().match(WORD_PATTERN) ?? [];
}

/** The fake provider's token count for an input: its words, at least one. */
export function fakeTokenCount(text: string): number {
  return Math.max(1, fakeWords(text).length);
}

/** A unit-length vector of `dimensions` numbers; the same text always gives the same vector. */
export function fakeEmbedding(text: string, dimensions = FAKE_EMBEDDING_DIMENSIONS): number[] {
  const features = new Map<string, { weight: number; count: number }>();
  const count = (feature: string, weight: number) => {
    const seen = features.get(feature);
    if (seen) seen.count += 1;
    else features.set(feature, { weight, count: 1 });
  };
  for (const word of fakeWords(text)) {
    if (STOP_WORDS.has(word)) continue;
    count(`w:${word}`, WORD_WEIGHT);
    const characters = Array.from(`^${word}$`);
    for (let start = 0; start + 3 <= characters.length; start++) {
      count(`t:${characters.slice(start, start + 3).join("")}`, TRIGRAM_WEIGHT);
    }
  }
  const vector: number[] = new Array(dimensions).fill(0);
  for (const [feature, { weight, count: times }] of features) {
    const hash = fnv1a(feature);
    const index = hash % dimensions;
    // The top bit is independent of the low bits the index uses (for dimensions up to 2^31).
    const sign = hash >>> 31 === 0 ? 1 : -1;
    vector[index] = (vector[index] ?? 0) + sign * weight * (1 + Math.log(times));
  }
  const length = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  // A text without words (empty, only punctuation) still gets a unit vector, as real models give one.
  if (length === 0) return vector.map((_, index) => (index === 0 ? 1 : 0));
  return vector.map((value) => value / length);
}

/** Cosine similarity of two vectors of the same length (for tests and benchmarks). */
export function cosineSimilarity(left: ArrayLike<number>, right: ArrayLike<number>): number {
  let dot = 0;
  let leftSquares = 0;
  let rightSquares = 0;
  for (let index = 0; index < left.length; index++) {
    const a = left[index] ?? 0;
    const b = right[index] ?? 0;
    dot += a * b;
    leftSquares += a * a;
    rightSquares += b * b;
  }
  const norms = Math.sqrt(leftSquares) * Math.sqrt(rightSquares);
  return norms === 0 ? 0 : dot / norms;
}

/** 32-bit FNV-1a over the UTF-8 bytes, with a final avalanche so that all bits depend on every byte. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of UTF8.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}

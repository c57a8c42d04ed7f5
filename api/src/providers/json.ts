// Small helpers for reading untyped JSON from providers without `any`.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON.parse that returns undefined instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A string as is (empty → undefined); objects and arrays as JSON text (Mistral nests messages). */
export function stringOf(value: unknown): string | undefined {
  if (typeof value === "string") return value || undefined;
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return undefined;
}

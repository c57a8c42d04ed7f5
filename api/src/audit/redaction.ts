/** Field names whose values never enter the audit log, whatever changed: only that they changed. */
const SECRET_FIELD = /password|secret|token|apikey|api_key|key$|hash|content|prompt|ciphertext/i;

export const REDACTED = "[redacted]";

export type AuditChanges = Record<string, { before?: unknown; after?: unknown }>;

/**
 * The before/after of a change, for the audit log: only the fields that differ, secrets and message
 * content replaced by a marker. `after` fields that are undefined were not part of the change.
 */
export function changesBetween(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): AuditChanges | null {
  const changes: AuditChanges = {};
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const field of fields) {
    const was = before?.[field];
    const is = after?.[field];
    if (after && !(field in after)) continue;
    if (sameValue(was, is)) continue;
    changes[field] = SECRET_FIELD.test(field)
      ? { before: was === undefined ? undefined : REDACTED, after: is === undefined ? undefined : REDACTED }
      : { before: plain(was), after: plain(is) };
  }
  return Object.keys(changes).length ? changes : null;
}

const plain = (value: unknown): unknown => {
  if (value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (value !== null && typeof value === "object" && "toFixed" in value) return String(value); // Decimal
  return value;
};

const sameValue = (a: unknown, b: unknown) => JSON.stringify(plain(a)) === JSON.stringify(plain(b));

import { apiUrl } from "../../graphql/download";

// The audit log's filter as the screen holds it, and as the API takes it (query and CSV export).

export type AuditOutcome = "SUCCESS" | "FAILURE" | "DENIED";
export const auditOutcomes: readonly AuditOutcome[] = ["SUCCESS", "FAILURE", "DENIED"];

export interface AuditFilterState {
  /** One action of the vocabulary, or "" for all. */
  action: string;
  outcome: AuditOutcome | "";
  /** Days as the date inputs give them (YYYY-MM-DD), read in the viewer's time zone like the times shown. */
  firstDay: string;
  lastDay: string;
  search: string;
  /** "Show only this": set by a click on an entry's actor or target. */
  actor?: { id: string; label: string };
  target?: { type: string; id: string; label: string };
}

export const emptyAuditFilter: AuditFilterState = {
  action: "",
  outcome: "",
  firstDay: "",
  lastDay: "",
  search: "",
};

export interface AuditFilterInput {
  actions?: string[] | null;
  outcome?: AuditOutcome | null;
  from?: string | null;
  to?: string | null;
  search?: string | null;
  actorId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
}

/** Local midnight of a day (YYYY-MM-DD), `plusDays` later; undefined for an empty or broken value. */
function localMidnight(day: string, plusDays = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + plusDays);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The filter for the API: only what is set. The last day is included (`to` is the next midnight). */
export function auditFilterInput(state: AuditFilterState): AuditFilterInput {
  const input: AuditFilterInput = {};
  if (state.action) input.actions = [state.action];
  if (state.outcome) input.outcome = state.outcome;
  const from = localMidnight(state.firstDay);
  const to = localMidnight(state.lastDay, 1);
  if (from) input.from = from;
  if (to) input.to = to;
  const search = state.search.trim();
  if (search) input.search = search;
  if (state.actor) input.actorId = state.actor.id;
  if (state.target) {
    input.targetType = state.target.type;
    input.targetId = state.target.id;
  }
  return input;
}

/** The CSV export of the entries the filter shows. */
export function auditCsvUrl(input: AuditFilterInput, base?: string): string {
  return apiUrl(
    "/export/audit.csv",
    {
      from: input.from,
      to: input.to,
      actions: input.actions,
      outcome: input.outcome,
      search: input.search,
      actorId: input.actorId,
      targetType: input.targetType,
      targetId: input.targetId,
    },
    base,
  );
}

/** `audit-2025-03-01-2025-03-31.csv`, or `audit-<today>.csv` when no period is chosen. */
export function auditCsvFileName(state: AuditFilterState, today: Date = new Date()): string {
  const day = (date: Date) =>
    `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
  const first = localMidnight(state.firstDay) ? state.firstDay : "";
  const last = localMidnight(state.lastDay) ? state.lastDay : day(today);
  return `audit-${first ? `${first}-` : ""}${last}.csv`;
}

export interface ChangeRow {
  field: string;
  before: string;
  after: string;
}

const shown = (value: unknown): string => {
  if (value === null || value === undefined) return "–";
  return typeof value === "string" ? value : JSON.stringify(value);
};

/** An entry's recorded changes (`{ field: { before, after } }`) as rows of a before/after table. */
export function changeRows(changes: unknown): ChangeRow[] {
  if (!changes || typeof changes !== "object" || Array.isArray(changes)) return [];
  return Object.entries(changes as Record<string, unknown>).map(([field, change]) => {
    if (change && typeof change === "object" && ("before" in change || "after" in change)) {
      const { before, after } = change as { before?: unknown; after?: unknown };
      return { field, before: shown(before), after: shown(after) };
    }
    return { field, before: "–", after: shown(change) };
  });
}

import { csvLine } from "../exports/csv.js";
import type { AuditEntry } from "../generated/prisma/client.js";

export const AUDIT_CSV_HEADER = csvLine([
  "at",
  "action",
  "outcome",
  "reason",
  "actorType",
  "actorId",
  "actorLabel",
  "targetType",
  "targetId",
  "targetLabel",
  "requestId",
  "ip",
  "userAgent",
  "changes",
  "id",
]);

export function auditCsvLine(entry: AuditEntry): string {
  return csvLine([
    entry.at.toISOString(),
    entry.action,
    entry.outcome,
    entry.reason,
    entry.actorType,
    entry.actorId,
    entry.actorLabel,
    entry.targetType,
    entry.targetId,
    entry.targetLabel,
    entry.requestId,
    entry.ip,
    entry.userAgent,
    entry.changes === null ? null : JSON.stringify(entry.changes),
    entry.id,
  ]);
}

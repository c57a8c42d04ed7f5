import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuditOutcome } from "../audit/audit-actions.js";
import { AUDIT_CSV_HEADER, auditCsvLine } from "../audit/audit-csv.js";
import { type AuditFilter, assertMayReadAuditLog, auditWhere } from "../audit/audit-log.js";
import type { Viewer } from "../auth/viewer.js";
import type { AppConfig } from "../config/env.js";
import type { Database } from "../db/database.js";
import { BadInputError } from "../errors/app-errors.js";
import { CSV_BOM } from "../exports/csv.js";
import type { AuditEntry } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import { myUsage, organizationUsage, periodOf } from "../usage/usage-access.js";
import { usageCsvLines } from "../usage/usage-csv.js";
import { USAGE_GROUP_BY, type UsageGroupBy } from "../usage/usage-report.js";
import { bearerDownload } from "./bearer-download.js";
import type { Services } from "./services.js";
import type { ProxyTrust } from "./trusted-proxies.js";

export const USAGE_CSV_PATH = "/export/usage.csv";
export const AUDIT_CSV_PATH = "/export/audit.csv";

const AUDIT_PAGE = 1_000;

interface Dependencies {
  config: AppConfig;
  database: Database;
  logger: Logger;
  services: Services;
  proxies: ProxyTrust;
}

/**
 * GET /export/usage.csv and /export/audit.csv: the same views as organizationUsage / myUsage
 * (`scope=me`) and auditLog, as CSV files, for a session's access token or an API key in
 * `Authorization: Bearer`. The audit log is streamed page by page (a year of entries never sits in
 * memory); each download is itself an audit entry.
 */
export function csvExports({ config, database, logger, services, proxies }: Dependencies) {
  const download = bearerDownload({ config, logger, services, proxies, what: "CSV export" });
  return (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> =>
    download(req, res, {
      run: (viewer, query) =>
        pathname === USAGE_CSV_PATH
          ? exportUsage(res, viewer, query, { database, services })
          : exportAudit(res, viewer, query, { database, services }),
      denied: { type: "export", id: pathname.slice("/export/".length) },
    });
}

async function exportUsage(
  res: ServerResponse,
  viewer: Viewer,
  query: URLSearchParams,
  { database, services }: Pick<Dependencies, "database" | "services">,
) {
  const period = periodOf({ from: dateParam(query, "from"), to: dateParam(query, "to") });
  const groupBy = listParam(query, "groupBy").map((value) => {
    if (!(USAGE_GROUP_BY as readonly string[]).includes(value)) {
      throw new BadInputError(`groupBy: ${value} is not one of ${USAGE_GROUP_BY.join(", ")}`);
    }
    return value as UsageGroupBy;
  });
  if (!groupBy.length) groupBy.push("DAY");
  const filter = {
    userIds: listParam(query, "userIds"),
    groupIds: listParam(query, "groupIds"),
    models: listParam(query, "models"),
    providers: listParam(query, "providers"),
  };
  const own = query.get("scope") === "me";
  const report = await (own ? myUsage : organizationUsage)(database.prisma, viewer, period, groupBy, filter);
  await services.audit.record({
    action: "export.downloaded",
    target: { type: "export", id: "usage.csv", label: own ? "my usage" : "organisation usage" },
    changes: {
      from: { after: period.from.toISOString() },
      to: { after: period.to.toISOString() },
      groupBy: { after: groupBy.join(",") },
      rows: { after: report.rows.length },
    },
  });
  startCsv(res, `usage-${day(period.from)}-${day(period.to)}.csv`);
  await write(res, CSV_BOM);
  for (const line of usageCsvLines(report, groupBy)) await write(res, line);
  res.end();
}

async function exportAudit(
  res: ServerResponse,
  viewer: Viewer,
  query: URLSearchParams,
  { database, services }: Pick<Dependencies, "database" | "services">,
) {
  assertMayReadAuditLog(viewer);
  const outcome = query.get("outcome")?.toLowerCase();
  if (outcome && !["success", "failure", "denied"].includes(outcome)) {
    throw new BadInputError("outcome: SUCCESS, FAILURE or DENIED");
  }
  const filter: AuditFilter = {
    actions: listParam(query, "actions"),
    actorId: query.get("actorId"),
    targetType: query.get("targetType"),
    targetId: query.get("targetId"),
    outcome: (outcome as AuditOutcome | undefined) ?? null,
    from: dateParam(query, "from"),
    to: dateParam(query, "to"),
    search: query.get("search"),
  };
  await services.audit.record({
    action: "export.downloaded",
    target: { type: "export", id: "audit.csv", label: "audit log" },
    changes: Object.fromEntries(
      Object.entries(filter)
        .filter(
          ([, value]) => value !== null && value !== undefined && !(Array.isArray(value) && !value.length),
        )
        .map(([key, value]) => [key, { after: value instanceof Date ? value.toISOString() : value }]),
    ),
  });
  startCsv(res, `audit-log-${day(filter.from ?? new Date(0))}-${day(filter.to ?? new Date())}.csv`);
  await write(res, CSV_BOM + AUDIT_CSV_HEADER);
  const where = auditWhere(viewer, filter);
  let before: bigint | null = null;
  for (;;) {
    const page: AuditEntry[] = await database.prisma.auditEntry.findMany({
      where: before === null ? where : { AND: [where, { seq: { lt: before } }] },
      orderBy: { seq: "desc" },
      take: AUDIT_PAGE,
    });
    for (const entry of page) await write(res, auditCsvLine(entry));
    if (page.length < AUDIT_PAGE || res.destroyed) break;
    before = page.at(-1)!.seq;
  }
  res.end();
}

function startCsv(res: ServerResponse, filename: string) {
  res.writeHead(200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="${filename}"`,
    "cache-control": "no-store",
  });
}

/** Writes with backpressure: a slow download holds the export, not the server's memory. */
async function write(res: ServerResponse, chunk: string) {
  if (res.destroyed) return;
  if (res.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

function dateParam(query: URLSearchParams, name: string): Date | null {
  const value = query.get(name);
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new BadInputError(`${name}: not a date (use ISO 8601)`);
  return date;
}

const listParam = (query: URLSearchParams, name: string) =>
  query
    .getAll(name)
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter(Boolean);

const day = (instant: Date) => instant.toISOString().slice(0, 10);

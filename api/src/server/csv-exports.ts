import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuditOutcome } from "../audit/audit-actions.js";
import { AUDIT_CSV_HEADER, auditCsvLine } from "../audit/audit-csv.js";
import { type AuditFilter, assertMayReadAuditLog, auditWhere } from "../audit/audit-log.js";
import { identityOf, type Viewer } from "../auth/viewer.js";
import type { AppConfig } from "../config/env.js";
import type { Database } from "../db/database.js";
import { runAs } from "../db/request-identity.js";
import { BadInputError, isAppError } from "../errors/app-errors.js";
import { CSV_BOM } from "../exports/csv.js";
import type { AuditEntry } from "../generated/prisma/client.js";
import type { Logger } from "../observability/logger.js";
import { currentRequest } from "../observability/request-context.js";
import { myUsage, organizationUsage, periodOf } from "../usage/usage-access.js";
import { usageCsvLines } from "../usage/usage-csv.js";
import { USAGE_GROUP_BY, type UsageGroupBy } from "../usage/usage-report.js";
import { clientIpOf } from "./client-address.js";
import { authenticateBearer } from "./graphql-context.js";
import { sendJson } from "./http-replies.js";
import type { Services } from "./services.js";
import type { ProxyTrust } from "./trusted-proxies.js";

export const USAGE_CSV_PATH = "/export/usage.csv";
export const AUDIT_CSV_PATH = "/export/audit.csv";

const AUDIT_PAGE = 1_000;

const STATUS_OF_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
};

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
  const allowedOrigins = new Set(config.CORS_ORIGINS);

  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    const origin = req.headers.origin;
    if (origin && allowedOrigins.has(origin)) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("access-control-expose-headers", "content-disposition, x-request-id");
      res.setHeader("vary", "origin");
    }
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "access-control-allow-methods": "GET",
        "access-control-allow-headers": "authorization",
        "access-control-max-age": "600",
      });
      return void res.end();
    }
    if (req.method !== "GET") return sendJson(res, 405, { error: "use GET" }, { allow: "GET" });

    const request = currentRequest();
    const userAgent = req.headers["user-agent"] ?? null;
    if (request) request.client = { ip: clientIpOf(req, proxies), userAgent };
    const { viewer, failure } = await authenticateBearer(services, logger, req.headers.authorization);
    if (!viewer) {
      return sendJson(res, 401, { error: failure?.message ?? "Sign in required", code: "UNAUTHENTICATED" });
    }
    if (request) request.apiKeyId = viewer.apiKeyId;
    const query = new URL(req.url ?? "/", "http://localhost").searchParams;
    try {
      await runAs(identityOf(viewer), () =>
        pathname === USAGE_CSV_PATH
          ? exportUsage(res, viewer, query, { database, services })
          : exportAudit(res, viewer, query, { database, services }),
      );
    } catch (error) {
      if (res.headersSent) {
        logger.warn({ err: error }, "CSV export ended early");
        return void res.destroy();
      }
      if (isAppError(error)) {
        if (error.code === "FORBIDDEN") {
          await runAs(identityOf(viewer), () =>
            services.audit.record({
              action: "access.denied",
              outcome: "denied",
              reason: error.message,
              target: { type: "export", id: pathname.slice("/export/".length) },
            }),
          ).catch((failed: unknown) => logger.warn({ err: failed }, "could not record a denied export"));
        }
        return sendJson(res, STATUS_OF_CODE[error.code] ?? 400, { error: error.message, code: error.code });
      }
      logger.error({ err: error }, "CSV export failed");
      return sendJson(res, 500, { error: "The export failed", code: "INTERNAL" });
    }
  };
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

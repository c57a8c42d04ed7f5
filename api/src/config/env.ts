import path from "node:path";
import { z } from "zod";
import { parseEmbeddingModel } from "../embeddings/embedding-models.js";
import { parseTrustedProxies } from "./trusted-proxy-setting.js";

// Every environment variable the API reads, validated once at start. Names follow the original
// platform where it had them (JWT_SECRET, CORS_ORIGINS, DEFAULT_MODEL, DEFAULT_TEMPERATURE …).

const booleanFlag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .optional()
    .transform((value) => (value === undefined ? fallback : ["true", "1", "yes"].includes(value)));

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

const apiRoot = path.resolve(import.meta.dirname, "../..");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** How long answers in progress may run on after SIGTERM before they are saved as INTERRUPTED. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(25_000),
  /** After SIGTERM, how long /readyz answers 503 while requests are still served (for load balancers). */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),

  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/ })
    .refine(
      (url) => !isTransactionPooler(url),
      "is a transaction pooler (pgbouncer=true or port 6543): it cannot carry each request's identity for row-level security; use the session pooler (port 5432) or the direct connection",
    )
    .optional(),
  DATA_DIR: z.string().default(path.join(apiRoot, "data")),
  /** The embedded database's own page cache; more helps a large embedded database, costs as much memory. */
  PGLITE_SHARED_BUFFERS_MB: z.coerce.number().int().min(1).max(4096).default(16),
  MIGRATE_ON_START: booleanFlag(true),
  /** The owner's URL for migrations at start, when DATABASE_URL is the API's own (runtime) login. */
  MIGRATION_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),

  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** Encrypts the provider keys kept in the database (security/secret-box.ts); unset: generated into DATA_DIR. */
  ENCRYPTION_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  /** Earlier ENCRYPTION_KEYs, comma separated: still opened, until a rotation has rewrapped everything. */
  ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .optional()
    .refine(
      (value) =>
        (value ?? "")
          .split(",")
          .map((key) => key.trim())
          .filter(Boolean)
          .every((key) => key.length >= 32),
      "each key must be at least 32 characters",
    ),
  ACCESS_TOKEN_TTL_MINUTES: z.coerce.number().int().positive().default(30),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().positive().default(7),
  /** For this long after a rotation, the replaced refresh token gets the same new pair instead of ending the session. */
  REFRESH_TOKEN_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  ALLOW_REGISTRATION: booleanFlag(true),
  AUTH_RATE_LIMIT_PER_IP: z.coerce.number().int().positive().default(30),
  AUTH_RATE_LIMIT_PER_ACCOUNT: z.coerce.number().int().positive().default(10),
  AUTH_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
  /** How many reverse proxies (or which addresses) may report the client's address; see trusted-proxies.ts. */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, context) => {
      const parsed = parseTrustedProxies(value);
      if (typeof parsed === "string") {
        context.addIssue({ code: "custom", message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),

  CORS_ORIGINS: commaList,
  /** Where people open the PWA, for invitation links (default: the page that asked). */
  PUBLIC_APP_URL: z.url({ protocol: /^https?$/ }).optional(),
  INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  PWA_DIST: z.string().default(path.resolve(apiRoot, "../pwa/dist")),

  RATE_LIMIT_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(300),
  RATE_LIMIT_API_KEY_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  RATE_LIMIT_MESSAGES_PER_MINUTE: z.coerce.number().int().positive().default(20),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(15),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().nonnegative().default(15),
  GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().nonnegative().default(20),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().positive().default(2_000),
  GRAPHQL_MAX_COST: z.coerce.number().int().positive().default(50_000),
  GRAPHQL_INTROSPECTION: booleanFlag(true),
  MAX_REQUEST_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024),
  PERSISTED_OPERATIONS_ONLY: booleanFlag(false),
  PERSISTED_OPERATIONS_FILE: z
    .string()
    .default(path.resolve(apiRoot, "../pwa/src/gql/persisted-documents.json")),

  /** A provider connection silent for this long (no token, no ping) fails the answer with PROVIDER_TIMEOUT. */
  PROVIDER_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
  DEFAULT_MODEL: z.string().default("openai/gpt-5.1"),
  DEFAULT_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.7),
  TITLE_MODEL: z.string().optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),

  /** Off: no audit entries are written (the log stays as it is). */
  AUDIT_LOG_ENABLED: booleanFlag(true),
  /** Days audit entries are kept (at least 30), unless an organisation set its own; older ones are deleted daily. */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(30).max(36_500).default(400),
  /** Also write every audit entry as one JSON line to stdout (`"audit": {…}`), for a log shipper. */
  AUDIT_LOG_STDOUT: booleanFlag(false),

  /** Documents: the largest file one upload may carry (bytes; counted as the request streams in). */
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  /** Documents: what one person may keep in all (originals), in megabytes. */
  STORAGE_QUOTA_MB_PER_USER: z.coerce.number().int().positive().default(500),
  /** Documents: at most this many pages are read of one file (PDF bombs). */
  DOCUMENT_MAX_PAGES: z.coerce.number().int().positive().max(100_000).default(500),
  /** Documents: "provider/model" that embeds chunks and questions, or none (full-text search only). */
  EMBEDDING_MODEL: z
    .string()
    .trim()
    .default("none")
    .superRefine((value, context) => {
      try {
        parseEmbeddingModel(value);
      } catch (error) {
        context.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  /** Documents: tokens of retrieved passages an answer is given at most. */
  RETRIEVAL_CONTEXT_TOKENS: z.coerce.number().int().min(500).max(100_000).default(6_000),
  /** Documents: how many documents this process works on at once (extraction and OCR take a thread each). */
  DOCUMENT_WORKERS: z.coerce.number().int().min(0).max(16).default(1),

  /** The mail server for budget alerts (`smtp://` or `smtps://user:password@host:port`); unset: no mail. */
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, hostname: /./, error: "must be an smtp:// or smtps:// URL" })
    .optional(),
  /** The sender of those mails; required with SMTP_URL (most servers refuse mail without one of theirs). */
  SMTP_FROM: z
    .string()
    .trim()
    .regex(
      /^(?:[^<>@]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/,
      "must be an address (alerts@example.com) or a name and address (XQT5 <alerts@example.com>)",
    )
    .optional(),
});

/** Where mail goes out; undefined: no mail is sent. */
export interface SmtpSettings {
  url: string;
  from: string;
}

export type AppConfig = z.infer<typeof envSchema> & { smtp: SmtpSettings | undefined };

/**
 * A transaction pooler hands each transaction to any server connection: a session's identity (set
 * once per connection, see db/session-identity.ts) could reach another client's queries.
 */
function isTransactionPooler(value: string): boolean {
  const url = new URL(value);
  return url.searchParams.get("pgbouncer") === "true" || url.port === "6543";
}

/** The name of every variable the API reads (besides the provider settings, see providers/settings.ts). */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads the configuration; empty strings count as unset so `.env` templates can list every name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const result = envSchema.safeParse(present);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`);
  if (present.NODE_ENV === "production") {
    const missing = [];
    if (!present.JWT_SECRET) {
      missing.push("JWT_SECRET: is required when NODE_ENV=production (at least 32 random characters)");
    }
    if (!present.ENCRYPTION_KEY) {
      missing.push(
        "ENCRYPTION_KEY: is required when NODE_ENV=production (at least 32 random characters; it encrypts provider keys stored in the database)",
      );
    }
    problems.unshift(...missing);
  }
  if (present.SMTP_URL && !present.SMTP_FROM) {
    problems.push(
      "SMTP_FROM: is required when SMTP_URL is set (the sender of budget alerts, e.g. XQT5 <alerts@example.com>)",
    );
  }
  if (!result.success || problems.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
  }
  const { SMTP_URL, SMTP_FROM } = result.data;
  return { ...result.data, smtp: SMTP_URL && SMTP_FROM ? { url: SMTP_URL, from: SMTP_FROM } : undefined };
}

import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../../src/config/env.js";
import { readProviderSettings } from "../../src/providers/settings.js";
import { REPO_ROOT } from "./dockerfile.js";

interface ComposeService {
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  image?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  ports?: unknown;
  stop_grace_period?: string;
}

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), "utf8");
const text = read("docker-compose.coolify.yml");
const compose = parse(text) as { services: Record<string, ComposeService> };
const { api, pwa } = compose.services as { api: ComposeService; pwa: ComposeService };

// ${NAME}, ${NAME:-default}, ${NAME:?}: Compose interpolation, which Coolify turns into its variables.
const withoutComments = text.replace(/^\s*#.*$/gm, "");
const expressions = [...withoutComments.matchAll(/\$\{(\w+)(?::([-?])([^}]*))?\}/g)].map(
  ([, name, operator, value]) => ({
    name: name!,
    operator,
    value: value ?? "",
  }),
);
// Coolify generates these (domains, passwords): https://coolify.io/docs, "magic environment variables".
const isMagic = (name: string) => name.startsWith("SERVICE_");

/** The values a first deployment gets: defaults, the required ones filled in, generated ones generated. */
function firstDeployment(environment: Record<string, string>): Record<string, string> {
  const required: Record<string, string> = {
    DATABASE_URL: "postgres://postgres.abc:secret@aws-0-eu-central-1.pooler.supabase.com:5432/postgres",
    JWT_SECRET: "x".repeat(48),
    ENCRYPTION_KEY: "e".repeat(48),
  };
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [
      key,
      String(value).replace(
        /\$\{(\w+)(?::([-?])([^}]*))?\}/g,
        (_whole, name: string, operator?: string, fallback = "") => {
          if (operator === "?") return required[name] ?? "";
          if (operator === "-") return fallback;
          return isMagic(name) ? "generated0123456789abcdefghijklmn" : "";
        },
      ),
    ]),
  );
}

describe("docker-compose.coolify.yml", () => {
  it("defines api and pwa built from their Dockerfiles, with health checks, and the optional redis", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["api", "pwa", "redis"]);
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test[0], name).toBe("CMD");
    }
    expect(api.build).toMatchObject({ context: ".", dockerfile: "api/Dockerfile" });
    expect(pwa.build).toMatchObject({ context: ".", dockerfile: "pwa/Dockerfile" });
    expect(pwa.build?.args).toHaveProperty("VITE_API_BASE");
  });

  it("publishes no ports: Coolify's proxy routes each domain to the port of SERVICE_URL_<SERVICE>_<PORT>", () => {
    for (const [name, service] of Object.entries(compose.services))
      expect(service.ports, name).toBeUndefined();
    const exposed = (dockerfile: string) => /^EXPOSE (\d+)$/m.exec(read(dockerfile))?.[1];
    expect(api.environment).toHaveProperty(`SERVICE_URL_API_${exposed("api/Dockerfile")}`);
    expect(pwa.environment).toHaveProperty(`SERVICE_URL_PWA_${exposed("pwa/Dockerfile")}`);
    expect(api.healthcheck?.test.join(" ")).toContain(`127.0.0.1:${exposed("api/Dockerfile")}/readyz`);
    expect(pwa.healthcheck?.test.join(" ")).toContain(`127.0.0.1:${exposed("pwa/Dockerfile")}/healthz`);
  });

  it("requires DATABASE_URL, JWT_SECRET and ENCRYPTION_KEY (:?) and gives every other setting a default (:-)", () => {
    const required = expressions.filter((expression) => expression.operator === "?").map(({ name }) => name);
    expect([...new Set(required)].sort()).toEqual(["DATABASE_URL", "ENCRYPTION_KEY", "JWT_SECRET"]);
    const bare = expressions.filter((expression) => !expression.operator && !isMagic(expression.name));
    expect(bare).toEqual([]);
  });

  it("documents every variable, in .env.example (the API's) and in docs/deploy-coolify.md", () => {
    const envExample = read(".env.example");
    const guide = read("docs/deploy-coolify.md");
    for (const key of Object.keys(api.environment ?? {}).filter((key) => !isMagic(key))) {
      expect(envExample, key).toMatch(new RegExp(`^${key}=`, "m"));
    }
    for (const { name } of expressions.filter((expression) => !isMagic(expression.name))) {
      expect(guide, name).toContain(name);
    }
  });

  it("starts the API with its defaults: they pass the API's own validation", () => {
    const environment = firstDeployment(api.environment ?? {});
    const config = loadConfig(environment);
    expect(config).toMatchObject({
      NODE_ENV: "production",
      TRUST_PROXY: { hops: 1 },
      CORS_ORIGINS: ["https://ai-hub.xqtfive.com"],
    });
    expect(config.METRICS_TOKEN).toBeDefined();
    expect(() => readProviderSettings(environment)).not.toThrow();
  });

  it("lets Docker wait longer than the API drains answers before it kills the container", () => {
    const stopSeconds = Number(/^(\d+)s$/.exec(api.stop_grace_period ?? "")?.[1]);
    const config = loadConfig(firstDeployment(api.environment ?? {}));
    expect(stopSeconds * 1000).toBeGreaterThanOrEqual(
      config.SHUTDOWN_DELAY_MS + config.SHUTDOWN_GRACE_MS + 10_000,
    );
  });
});

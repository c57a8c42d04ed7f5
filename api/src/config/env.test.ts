import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, ConfigError, loadConfig } from "./env.js";

describe("loadConfig", () => {
  it("has working defaults for the embedded database", () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(4000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.DATA_DIR).toMatch(/api\/data$/);
    expect(config.ALLOW_REGISTRATION).toBe(true);
    expect(config.DEFAULT_TEMPERATURE).toBe(0.7);
    expect(config.CORS_ORIGINS).toEqual([]);
  });

  it("treats empty strings as unset and parses lists and flags", () => {
    const config = loadConfig({
      PORT: "",
      CORS_ORIGINS: "https://ai-hub.xqtfive.com, http://localhost:5173",
      ALLOW_REGISTRATION: "false",
    });
    expect(config.PORT).toBe(4000);
    expect(config.CORS_ORIGINS).toEqual(["https://ai-hub.xqtfive.com", "http://localhost:5173"]);
    expect(config.ALLOW_REGISTRATION).toBe(false);
  });

  it("requires JWT_SECRET and ENCRYPTION_KEY in production and names every bad variable", () => {
    const attempt = () => loadConfig({ NODE_ENV: "production", PORT: "eighty", DATABASE_URL: "mysql://x" });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/JWT_SECRET: is required when NODE_ENV=production/);
    expect(attempt).toThrow(/ENCRYPTION_KEY: is required when NODE_ENV=production .*provider keys/);
    expect(attempt).toThrow(/PORT/);
    expect(attempt).toThrow(/DATABASE_URL/);
  });

  it("requires ENCRYPTION_KEY in production even when JWT_SECRET is set, and starts with both", () => {
    const production = { NODE_ENV: "production", JWT_SECRET: "j".repeat(32) };
    expect(() => loadConfig(production)).toThrow(/ENCRYPTION_KEY: is required when NODE_ENV=production/);
    expect(() => loadConfig(production)).not.toThrow(/JWT_SECRET/);
    const config = loadConfig({ ...production, ENCRYPTION_KEY: "e".repeat(32) });
    expect(config.ENCRYPTION_KEY).toBe("e".repeat(32));
    expect(config.ENCRYPTION_KEY_PREVIOUS).toBeUndefined();
    expect(() => loadConfig({ ...production, ENCRYPTION_KEY: "" })).toThrow(/ENCRYPTION_KEY: is required/);
  });

  it("leaves ENCRYPTION_KEY unset outside production (a key is generated into DATA_DIR)", () => {
    expect(loadConfig({}).ENCRYPTION_KEY).toBeUndefined();
  });

  it("refuses a transaction pooler as DATABASE_URL (it cannot carry a request's identity), not the session pooler", () => {
    const pooler = "postgres://xqt5_api.ref:pw@aws-0-eu-central-1.pooler.supabase.com";
    expect(() => loadConfig({ DATABASE_URL: `${pooler}:6543/postgres` })).toThrow(
      /DATABASE_URL: is a transaction pooler/,
    );
    expect(() => loadConfig({ DATABASE_URL: `${pooler}:5432/postgres?pgbouncer=true` })).toThrow(
      /transaction pooler/,
    );
    expect(loadConfig({ DATABASE_URL: `${pooler}:5432/postgres` }).DATABASE_URL).toBe(
      `${pooler}:5432/postgres`,
    );
  });

  it("refuses a short JWT_SECRET", () => {
    expect(() => loadConfig({ JWT_SECRET: "short" })).toThrow(/JWT_SECRET: must be at least 32 characters/);
  });

  it("refuses a short ENCRYPTION_KEY and any short key in ENCRYPTION_KEY_PREVIOUS", () => {
    expect(() => loadConfig({ ENCRYPTION_KEY: "short" })).toThrow(
      /ENCRYPTION_KEY: must be at least 32 characters/,
    );
    const earlier = ["a".repeat(32), "b".repeat(40)];
    expect(loadConfig({ ENCRYPTION_KEY_PREVIOUS: earlier.join(", ") }).ENCRYPTION_KEY_PREVIOUS).toBe(
      earlier.join(", "),
    );
    expect(() => loadConfig({ ENCRYPTION_KEY_PREVIOUS: `${earlier[0]},short` })).toThrow(
      /ENCRYPTION_KEY_PREVIOUS: each key must be at least 32 characters/,
    );
  });

  it("has no mail settings without SMTP_URL, and both with SMTP_URL and SMTP_FROM", () => {
    expect(loadConfig({}).smtp).toBeUndefined();
    expect(loadConfig({ SMTP_URL: "", SMTP_FROM: "" }).smtp).toBeUndefined();
    // A sender alone sends nothing: the server is what turns mail on.
    expect(loadConfig({ SMTP_FROM: "alerts@example.com" }).smtp).toBeUndefined();
    const url = "smtps://alerts%40example.com:secret@mail.example.com:465";
    expect(loadConfig({ SMTP_URL: url, SMTP_FROM: "XQT5 <alerts@example.com>" }).smtp).toEqual({
      url,
      from: "XQT5 <alerts@example.com>",
    });
    expect(loadConfig({ SMTP_URL: "smtp://127.0.0.1:2525", SMTP_FROM: "alerts@example.com" }).smtp).toEqual({
      url: "smtp://127.0.0.1:2525",
      from: "alerts@example.com",
    });
  });

  it("requires SMTP_FROM with SMTP_URL and refuses other schemes and bad senders", () => {
    expect(() => loadConfig({ SMTP_URL: "smtp://mail.example.com" })).toThrow(
      /SMTP_FROM: is required when SMTP_URL is set/,
    );
    expect(() =>
      loadConfig({ SMTP_URL: "http://mail.example.com", SMTP_FROM: "alerts@example.com" }),
    ).toThrow(/SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => loadConfig({ SMTP_URL: "mail.example.com", SMTP_FROM: "a@example.com" })).toThrow(
      /SMTP_URL/,
    );
    for (const from of ["alerts", "XQT5 alerts@example.com", "XQT5 <alerts>", "<a@b> <c@d>"]) {
      expect(() => loadConfig({ SMTP_URL: "smtp://mail.example.com", SMTP_FROM: from }), from).toThrow(
        /SMTP_FROM: must be an address \(alerts@example.com\) or a name and address/,
      );
    }
  });
});

describe("documentation of the configuration", () => {
  const root = path.resolve(import.meta.dirname, "../../..");
  const read = (file: string) => readFileSync(path.join(root, file), "utf8");

  it("lists every variable the API reads in .env.example and in the README's table", () => {
    const envExample = read(".env.example");
    const table = read("README.md").split("## Configuration")[1]?.split("\n## ")[0] ?? "";
    for (const name of CONFIG_VARIABLES) {
      expect(envExample, name).toMatch(new RegExp(`^${name}=`, "m"));
      expect(table, name).toContain(`\`${name}\``);
    }
  });

  it("keeps the README's table in one piece (a line between its rows would split it in two)", () => {
    const lines = read("README.md").split("## Configuration")[1]?.split("\n## ")[0]?.split("\n") ?? [];
    const rows = lines.flatMap((line, index) => (line.startsWith("|") ? [index] : []));
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.at(-1)! - rows[0]!).toBe(rows.length - 1);
  });
});

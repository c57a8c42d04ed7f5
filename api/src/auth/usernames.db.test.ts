import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGISTER, startTestApp, type TestApp } from "../../test/support/test-app.js";
import { splitSqlStatements } from "../db/split-sql.js";
import { DEFAULT_ORGANIZATION_ID } from "../organizations/organization-service.js";
import { usernameKey } from "./usernames.js";

// Look-alike usernames (another script, fullwidth forms, accents, case) cannot pass for someone else.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const register = (username: string, email = `${Math.random().toString(36).slice(2)}@example.com`) =>
  app.gql<{ register: { user: { username: string } } }>(REGISTER, {
    input: { username, email, password: "correct horse battery" },
  });
const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

describe("usernames", () => {
  it("refuses look-alikes of a taken name: another script, fullwidth letters, accents, case", async () => {
    expect((await register("alice")).errors).toBeUndefined();
    expect(codeOf(await register("\u0430lice"))).toBe("BAD_USER_INPUT"); // Cyrillic а
    expect(codeOf(await register("\u0430dmin"))).toBe("BAD_USER_INPUT");
    expect(codeOf(await register("ａｌｉｃｅ"))).toBe("CONFLICT"); // fullwidth: NFKC makes it "alice"
    expect(codeOf(await register("Álice"))).toBe("CONFLICT");
    expect(codeOf(await register("ALICE"))).toBe("CONFLICT");
    expect((await register("jürgen")).errors).toBeUndefined();
    expect(codeOf(await register("jurgen"))).toBe("CONFLICT");
    expect(codeOf(await register("Jürgen"))).toBe("CONFLICT");
    expect((await register("straße")).errors).toBeUndefined();
    expect(codeOf(await register("strasse"))).toBe("CONFLICT");
  });

  it("keeps a fullwidth name in its plain form, and compares e-mail addresses in NFKC and any case", async () => {
    const plain = await register("ｂｏｂ_ｆｕｌｌ");
    expect(plain.data?.register.user.username).toBe("bob_full");
    await register("carol", "carol@example.com");
    expect(codeOf(await register("carol2", "ＣＡＲＯＬ@example.com"))).toBe("CONFLICT");
  });

  it("gives names that exist already the same key in SQL as the API computes (the migration)", async () => {
    const names = [
      "Björn",
      "GROSSMANN",
      "weiß",
      "Ærøskøbing",
      "Łukasz",
      "Đorđe",
      "Þór",
      "Çelik",
      "ÉÈÊË",
      "ábc.d-e_f",
    ];
    const migration = await readFile(
      path.resolve(import.meta.dirname, "../../../supabase/migrations/20261201090400_username_keys.sql"),
      "utf8",
    );
    const backfill = splitSqlStatements(migration).find((statement: string) =>
      statement.includes("set username_key = regexp_replace"),
    );
    expect(backfill).toBeDefined();
    const prisma = app.database.owner;
    await prisma.user.createMany({
      data: names.map((username, index) => ({
        orgId: DEFAULT_ORGANIZATION_ID,
        username,
        email: `key${index}@example.com`,
        passwordHash: "x",
      })),
    });
    await prisma.$executeRawUnsafe(backfill as string);
    const rows = await prisma.user.findMany({ where: { username: { in: names } } });
    expect(Object.fromEntries(rows.map((row) => [row.username, row.usernameKey]))).toEqual(
      Object.fromEntries(names.map((name) => [name, usernameKey(name)])),
    );
  });
});

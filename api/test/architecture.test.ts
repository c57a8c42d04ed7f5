import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const src = path.resolve(import.meta.dirname, "../src");
// The transport: GraphQL wiring, the HTTP server and its Yoga plugins.
const TRANSPORT = new Set(["graphql", "server", "security", "generated"]);

describe("layering", () => {
  it("no domain module imports graphql/ or server/ (only a domain's schema.ts defines GraphQL types)", () => {
    const offenders: string[] = [];
    for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith(".test.ts")) continue;
      const file = path.relative(src, path.join(entry.parentPath, entry.name));
      const folder = file.split(path.sep)[0] ?? "";
      if (TRANSPORT.has(folder) || entry.name === "schema.ts" || !file.includes(path.sep)) continue;
      const source = readFileSync(path.join(src, file), "utf8");
      if (/from "\.\.\/(graphql|server)\//.test(source)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });

  it("product code builds SQL only from bound parameters: no $queryRawUnsafe or $executeRawUnsafe", () => {
    const offenders: string[] = [];
    for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith(".test.ts")) continue;
      const file = path.relative(src, path.join(entry.parentPath, entry.name));
      if (file.startsWith(`generated${path.sep}`)) continue;
      if (/\$(query|execute)RawUnsafe\s*[<(]/.test(readFileSync(path.join(src, file), "utf8")))
        offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});

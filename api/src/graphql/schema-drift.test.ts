import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { printedSchema } from "./schema.js";

describe("api/schema.graphql", () => {
  it("is the schema the code defines (run `npm run generate` after changing the schema)", async () => {
    const committed = await readFile(path.resolve(import.meta.dirname, "../../schema.graphql"), "utf8");
    expect(committed).toBe(printedSchema());
  });
});

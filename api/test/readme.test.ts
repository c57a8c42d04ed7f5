import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

describe("README", () => {
  it("names every folder of api/src in its architecture block", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const block = readme.split("## Architecture")[1]?.split("```")[1] ?? "";
    const folders = readdirSync(path.join(root, "api/src"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== "generated")
      .map((entry) => entry.name);
    for (const folder of folders) expect(block, folder).toMatch(new RegExp(`^  ${folder}/`, "m"));
  });
});

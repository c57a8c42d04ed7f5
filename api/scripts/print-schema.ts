// Writes the schema as the code defines it to api/schema.graphql (committed; a test compares them).
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { printedSchema } from "../src/graphql/schema.js";

const target = path.resolve(import.meta.dirname, "../schema.graphql");
await writeFile(target, printedSchema());
console.log(`wrote ${path.relative(process.cwd(), target)}`);

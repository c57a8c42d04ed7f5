import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openEmbeddedPostgres } from "./embedded-postgres.js";

const scratch = await mkdtemp(path.join(os.tmpdir(), "xqt5-embedded-"));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe("the embedded database", () => {
  it("creates a new data folder in a process of its own, keeps a small page cache, and opens it again", async () => {
    const dataDir = path.join(scratch, "new", "pglite");
    const created = await openEmbeddedPostgres(dataDir);
    try {
      expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
      expect((await created.query<{ shared_buffers: string }>("show shared_buffers")).rows).toEqual([
        { shared_buffers: "16MB" },
      ]);
      await created.exec("create table notes (text text); insert into notes values ('kept')");
    } finally {
      await created.close();
    }
    const reopened = await openEmbeddedPostgres(dataDir, { sharedBuffersMb: 24 });
    try {
      expect((await reopened.query("select text from notes")).rows).toEqual([{ text: "kept" }]);
      expect((await reopened.query("show shared_buffers")).rows).toEqual([{ shared_buffers: "24MB" }]);
    } finally {
      await reopened.close();
    }
  }, 60_000);
});

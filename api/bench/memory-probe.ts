// Loaded into the bench's API process (node --expose-gc --import ./bench/memory-probe.ts): on SIGUSR2 it
// collects garbage and prints the memory in use, so the bench measures what open streams really keep
// alive rather than garbage that happens not to be collected yet.
import { writeSync } from "node:fs";

const collect = (globalThis as { gc?: () => void }).gc;

process.on("SIGUSR2", () => {
  collect?.();
  collect?.();
  const { heapUsed, external, rss } = process.memoryUsage();
  writeSync(2, `XQT5_MEMORY ${JSON.stringify({ heapUsed, external, rss })}\n`);
});

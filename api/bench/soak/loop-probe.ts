// Loaded into each soak API process (node --import ./bench/soak/loop-probe.ts): every second it prints
// the worst event-loop delay of that second, so the soak can tell a slow database or Redis from a
// process too busy to run its callbacks (e.g. password hashing on the event loop).
import { writeSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
setInterval(() => {
  writeSync(2, `XQT5_LOOP ${Date.now()} ${Math.round(histogram.max / 1e6)}\n`);
  histogram.reset();
}, 1_000).unref();

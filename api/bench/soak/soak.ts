// npm run soak: the fault soak (a benchmark, not a timed test). Drives the real stack — two API
// processes on Postgres with REDIS_URL, the soak's own redis-server, the fake provider with injected
// faults — with SOAK_USERS simulated users, SIGTERMs and restarts one replica and restarts Redis
// mid-run, then checks what was stored against what the clients sent and saw. Prints a table of
// figures; exits 1 when an invariant is violated. Knobs: see options.ts.
//
//   npm run soak                        # 200 users
//   SOAK_USERS=500 npm run soak
//   SOAK_SEED=7 SOAK_FAULT_KINDS=stall npm run soak
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { soakOptionsFromEnv } from "./options.js";
import { formatReport } from "./report.js";
import { runSoak } from "./run-soak.js";

const options = soakOptionsFromEnv();
const started = Date.now();
const result = await runSoak({
  ...options,
  progress: (line) =>
    console.error(`[soak ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`),
});
const report = formatReport(result);
console.log(report);
await writeFile(path.join(result.logDir, "report.txt"), `${report}\n`);
process.exit(result.violations.length > 0 ? 1 : 0);

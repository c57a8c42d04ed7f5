// npm run bench:profile -- <file.cpuprofile>…: where a V8 CPU profile (BENCH_CPU_PROFILE, SOAK_CPU_PROFILE)
// spent its time — self time by package (node_modules/<name>, our own src/ folders, node internals,
// GC, idle) and the heaviest functions. Reads the profiles; prints tables.
import { readFile } from "node:fs/promises";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Who a frame belongs to: a package, a folder of our source, node itself, or V8's pseudo frames. */
function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith("node:")) return "node:internals";
  const source = url.indexOf("/src/");
  if (source >= 0) return `src/${url.slice(source + 5).split("/")[0]}`;
  return path.basename(url);
}

function summarise(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { callFrame } = byId.get(id) as ProfileNode;
    const owner = ownerOf(callFrame.url, callFrame.functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + ms);
    const name = `${callFrame.functionName || "(anonymous)"} ${owner}:${callFrame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const idleMs = owners.get("(idle)") ?? 0;
  return { totalMs, busyMs: totalMs - idleMs, owners, functions };
}

const top = (entries: Map<string, number>, count: number) =>
  [...entries].sort((a, b) => b[1] - a[1]).slice(0, count);

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: npm run bench:profile -- <file.cpuprofile>…");
  process.exit(2);
}
for (const file of files) {
  const { totalMs, busyMs, owners, functions } = summarise(JSON.parse(await readFile(file, "utf8")));
  console.log(
    `\n${path.basename(file)}: ${(totalMs / 1000).toFixed(1)} s, busy ${(busyMs / 1000).toFixed(1)} s`,
  );
  console.log("  self time by owner (share of busy time):");
  for (const [owner, ms] of top(owners, 18)) {
    if (owner === "(idle)") continue;
    console.log(
      `    ${((100 * ms) / busyMs).toFixed(1).padStart(5)} %  ${(ms / 1000).toFixed(2).padStart(7)} s  ${owner}`,
    );
  }
  console.log("  heaviest functions (self time):");
  for (const [name, ms] of top(functions, 25)) {
    if (name.startsWith("(idle)")) continue;
    console.log(`    ${((100 * ms) / busyMs).toFixed(1).padStart(5)} %  ${name}`);
  }
}

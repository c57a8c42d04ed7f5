// Prints the closing lines CI reads: the failed tests by file and name with the first line of their error,
// then "N passed, N failed, N skipped", from vitest's and Playwright's JSON reports.
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { stripVTControlCharacters } from "node:util";

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
const firstLine = (messages) =>
  String(messages?.[0] ?? "")
    .split("\n")[0]
    .slice(0, 300);

for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    // The step did not run (npm test stops at the first failing step): its tests are not counted.
    console.log(`not run: no test report at ${file}`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  if (report.suites && report.stats) {
    playwright(report);
    continue;
  }
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const suite of report.testResults ?? []) {
    const where = relative(process.cwd(), suite.name ?? "");
    const failedTests = (suite.assertionResults ?? []).filter((test) => test.status === "failed");
    for (const test of failedTests)
      failures.push(`FAILED ${where} › ${test.fullName}: ${firstLine(test.failureMessages)}`);
    if (suite.status === "failed" && failedTests.length === 0)
      failures.push(`FAILED ${where}: ${firstLine([suite.message])}`);
  }
}
/** Playwright's report nests suites (files, describes) holding specs, each run once per project. */
function playwright(report) {
  passed += (report.stats.expected ?? 0) + (report.stats.flaky ?? 0);
  failed += report.stats.unexpected ?? 0;
  skipped += report.stats.skipped ?? 0;
  const visit = (suite) => {
    for (const spec of suite.specs ?? [])
      for (const test of spec.tests ?? []) {
        if (test.status !== "unexpected") continue;
        const result = test.results?.at(-1);
        const message = stripVTControlCharacters(result?.error?.message ?? "");
        // Playwright's first line is the matcher ("expect(received).toBe(expected)"): what was expected and
        // received follow it.
        const lines = message
          .split("\n")
          .map((line) => line.trim())
          .filter(Boolean)
          .slice(0, 3)
          .join(" | ");
        failures.push(
          `FAILED e2e/${spec.file}:${spec.line} › [${test.projectName}] ${spec.title}: ${lines.slice(0, 400)}`,
        );
      }
    for (const child of suite.suites ?? []) visit(child);
  };
  for (const suite of report.suites) visit(suite);
}

for (const line of failures) console.log(line);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);

// Prints the closing lines CI reads: the failed tests by file and name with the first line of their error,
// then "N passed, N failed, N skipped", from vitest's JSON reports.
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";

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
    console.error(`no test report at ${file}`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
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
for (const line of failures) console.log(line);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);

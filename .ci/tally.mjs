// Reads vitest's JSON report, prints "N passed, N failed, N skipped", and fails when any test that
// needs ../shared (suite names starting "[shared]") was skipped: CI always has that folder.
import { readFileSync } from "node:fs"

const report = JSON.parse(readFileSync(process.argv[2], "utf8"))
let passed = 0, failed = 0, skipped = 0
const skippedShared = []
for (const file of report.testResults ?? []) {
  for (const t of file.assertionResults ?? []) {
    if (t.status === "passed") passed++
    else if (t.status === "failed") failed++
    else {
      skipped++
      if ((t.fullName ?? "").includes("[shared]")) skippedShared.push(t.fullName)
    }
  }
  if (file.status === "failed" && (file.assertionResults ?? []).length === 0) {
    console.error(`test file failed to run: ${file.name}: ${file.message ?? ""}`)
    failed++
  }
}
if (skippedShared.length > 0) {
  console.error(`${skippedShared.length} test(s) that need ../shared were skipped:`)
  for (const n of skippedShared.slice(0, 20)) console.error(`  ${n}`)
  failed += skippedShared.length
}
if (passed + failed === 0) failed = 1
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 ? 1 : 0)

// Measures history loading: rows/s for the shipped sample, the shared KRX set, and a 2,000-symbol folder
// (the sample's files repeated under other codes) in both KIS JSON (gzip) and plain CSV form. Prints JSON.
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { existsSync } from "node:fs"
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { gunzipSync } from "node:zlib"
import { loadDataSet } from "../src/backtest/data/load.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const SHARED_KRX = path.resolve(process.env["STOCK_MANAGER_SHARED"] ?? path.join(root, "..", "shared"), "data", "krx")
const BIG_SYMBOLS = 2_000

const timeLoad = async (dir: string) => {
  const memory = () => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers }
  const memoryBefore = memory()
  const cpuBefore = process.cpuUsage()
  const t0 = performance.now()
  const ds = await Effect.runPromise(loadDataSet(dir).pipe(Effect.provide(NodeContext.layer)))
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpuBefore)
  const cpuMs = (cpu.user + cpu.system) / 1000
  let rows = 0
  for (const b of ds.bars.values()) rows += b.length
  return {
    symbols: ds.symbols.length, rows, ms: Math.round(ms), rowsPerSecond: Math.round(rows / (ms / 1000)),
    // CPU time of the whole process (gunzip threads included): steadier than wall time on a busy machine
    cpuMs: Math.round(cpuMs), rowsPerCpuSecond: Math.round(rows / (cpuMs / 1000)),
    // heap + typed-array memory held while the DataSet is alive (includes not-yet-collected garbage)
    memoryDeltaMB: Math.round((memory() - memoryBefore) / 1e6), warnings: ds.warnings.length
  }
}

/** A folder of BIG_SYMBOLS bar files cycling through the sample's, in KIS gzip JSON or converted to CSV. */
const bigFolder = async (format: "json" | "csv"): Promise<string> => {
  const dir = await mkdtemp(path.join(os.tmpdir(), `data-load-${format}-`))
  await mkdir(path.join(dir, "daily"))
  const sources = (await readdir(path.join(root, "data", "daily"))).sort()
  const contents = await Promise.all(sources.map(async (f) => {
    const bytes = await readFile(path.join(root, "data", "daily", f))
    if (format === "json") return bytes
    const rows = (JSON.parse(gunzipSync(bytes).toString()) as { output2: Array<Record<string, string>> }).output2.reverse()
    const date = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`
    return Buffer.from(["date,open,high,low,close,volume", ...rows.map((r) =>
      `${date(r["stck_bsop_date"]!)},${r["stck_oprc"]},${r["stck_hgpr"]},${r["stck_lwpr"]},${r["stck_clpr"]},${r["acml_vol"]}`)].join("\n"))
  }))
  for (let i = 0; i < BIG_SYMBOLS; i++) {
    const code = `B${String(i).padStart(5, "0")}`
    await writeFile(path.join(dir, "daily", format === "json" ? `${code}.json.gz` : `${code}.csv`), contents[i % contents.length]!)
  }
  return dir
}

const result: Record<string, unknown> = { node: process.version }
result["sample"] = await timeLoad(path.join(root, "data"))
if (existsSync(SHARED_KRX)) result["sharedKrx"] = await timeLoad(SHARED_KRX)
for (const format of ["json", "csv"] as const) {
  const dir = await bigFolder(format)
  try {
    result[`big_${format}`] = await timeLoad(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
console.log(JSON.stringify(result, null, 2))

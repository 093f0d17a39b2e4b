// STYLE.md §1 for the flagship strategies: they import only src/domain, src/strategy, src/risk, their own folder
// and effect's data modules, never Effect, Layer, Context, services, adapters or the backtester.
import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import { describe, expect, it } from "vitest"

const ROOT = path.resolve(import.meta.dirname, "../..")
const ALLOWED_DIRS = ["src/domain", "src/strategy", "src/risk"].map((d) => path.join(ROOT, d))
const ALLOWED_EFFECT = new Set(["Schema", "Option", "Data", "Array"])
const IMPORT = /^import\s+(type\s+)?(?:\{([^}]*)\}|[\w*\s]+)\s+from\s+"([^"]+)"/gm

const sourcesOf = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourcesOf(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [])

describe("dependency rule", () => {
  for (const name of ["graham", "reflexivity"]) {
    it(`strategies/${name} imports only pure modules`, () => {
      const folder = path.join(ROOT, "strategies", name)
      const files = sourcesOf(folder)
      expect(files.length).toBeGreaterThan(0)
      for (const file of files) {
        for (const [, typeOnly, names, spec] of readFileSync(file, "utf8").matchAll(IMPORT)) {
          const where = `${path.relative(ROOT, file)} imports ${spec}`
          if (spec === "effect") {
            const imported = (names ?? "").split(",").map((n) => n.trim().replace(/^type\s+/, "")).filter((n) => n !== "")
            if (typeOnly === undefined) expect(imported.filter((n) => !ALLOWED_EFFECT.has(n)), where).toEqual([])
            continue
          }
          expect(spec!.startsWith("."), where).toBe(true)
          const target = path.resolve(path.dirname(file), spec!)
          expect(target.startsWith(folder) || ALLOWED_DIRS.some((d) => target.startsWith(d)), where).toBe(true)
        }
      }
    })
  }
})

// Starts a command from a cached esbuild bundle of its TypeScript entry point (`node scripts/launch.mjs cli backtest ...`),
// rebuilding the bundle first whenever a file it was built from changed: commands start in well under a second,
// with no build step to remember and never from stale code. Plain JavaScript so that plain `node` runs it.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { SourceMap } from "node:module"
import path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const TARGETS = { cli: "src/cli/main.ts", sim: "src/sim/main.ts" }
/** Overrides where bundles are kept (tests point it at a temporary folder). */
const CACHE_VARIABLE = "STOCK_MANAGER_BUILD_CACHE"
/** Layout of manifest.json; a manifest of another layout means "build again", never a misread. */
const MANIFEST_VERSION = 1
/** Files outside the module graph that still change what a build produces. */
const BUILD_SETTINGS = [path.relative(ROOT, fileURLToPath(import.meta.url)), "package.json", "tsconfig.json", "node_modules/.package-lock.json"]
/**
 * A file modified this close to the start of a build may have been read before or after the change (file times
 * can lag the clock by a timer tick), so it is recorded as unknown and the next launch builds again.
 */
const UNSURE_WINDOW_NS = 1_000_000_000n
/** A superseded bundle is deleted this long after it was replaced, when no process can still be loading its chunks. */
const SUPERSEDED_BUNDLE_KEPT_MS = 10 * 60 * 1000

/** Ends the launch with one line on stderr and exit code 1. */
const fail = (message) => {
  console.error(`launch: ${message}`)
  process.exit(1)
}

/** Size and modification time of a file or folder, or undefined when it does not exist. */
const fingerprint = (file) => {
  const s = statSync(path.resolve(ROOT, file), { bigint: true, throwIfNoEntry: false })
  return s === undefined ? undefined : [Number(s.size), String(s.mtimeNs)]
}

/** The manifest of the last build, or undefined when there is none (or it is not one this launcher could write). */
const readManifest = (file) => {
  try {
    const manifest = JSON.parse(readFileSync(file, "utf8"))
    return typeof manifest?.build === "string" && Array.isArray(manifest.inputs) ? manifest : undefined
  } catch {
    return undefined
  }
}

/** True when the manifest describes a bundle built here, by this launcher and Node, from files as they are now. */
const isFresh = (manifest, entry, cacheDir) =>
  manifest !== undefined && manifest.version === MANIFEST_VERSION && manifest.root === ROOT && manifest.entry === entry &&
  manifest.node === process.version &&
  fingerprint(path.join(cacheDir, manifest.build, "main.mjs")) !== undefined &&
  manifest.inputs.every(([file, size, mtimeNs]) => {
    const now = fingerprint(file)
    return now !== undefined && now[0] === size && now[1] === mtimeNs
  })

/** esbuild sets `import.meta.url` to the bundle's own URL; project sources get their own file's URL back, as under tsx. */
const sourceModuleUrl = {
  name: "source-module-url",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined
      const source = await readFile(args.path, "utf8")
      if (!source.includes("import.meta.url")) return undefined
      return { contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" }
    })
  }
}

/** Bundles the entry into a new folder under the cache, then points the manifest at it; returns the manifest. */
const build = async (entry, cacheDir, manifestFile, previous) => {
  const { build: esbuild } = await import("esbuild").catch(() => fail("esbuild is not installed: run npm install"))
  const name = `build-${Date.now().toString(36)}-${process.pid}`
  const outdir = path.join(cacheDir, name)
  const startedNs = BigInt(Date.now()) * 1_000_000n
  let result
  try {
    result = await esbuild({
      absWorkingDir: ROOT,
      entryPoints: [{ in: path.resolve(ROOT, entry), out: "main" }],
      outdir, outExtension: { ".js": ".mjs" }, chunkNames: "chunks/[name]-[hash]",
      bundle: true, splitting: true, format: "esm", platform: "node", target: `node${process.versions.node}`,
      // CommonJS packages (ws, undici) call require(); an ES module has none unless it is made here.
      banner: { js: "import { createRequire as createRequireForBundle } from \"node:module\"; const require = createRequireForBundle(import.meta.url);" },
      // Source maps that name the project's files (not their text): a stack trace points at src/…ts lines.
      sourcemap: "linked", sourcesContent: false,
      plugins: [sourceModuleUrl], metafile: true, logLevel: "error"
    })
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true })
    fail(`could not build ${entry}: ${error?.errors?.length > 0 ? "errors above" : String(error?.message ?? error)}`)
  }
  const modules = Object.keys(result.metafile.inputs)
  // A file added next to a module can change what an import resolves to; that changes its folder's time.
  const files = [...new Set([...modules, ...modules.map((file) => path.dirname(file)), ...BUILD_SETTINGS])]
  const inputs = files.flatMap((file) => {
    const now = fingerprint(file)
    if (now === undefined) return []
    return [BigInt(now[1]) + UNSURE_WINDOW_NS > startedNs ? [file, now[0], "unknown"] : [file, ...now]]
  })
  const manifest = { version: MANIFEST_VERSION, root: ROOT, entry, node: process.version, build: name, inputs }
  const pending = `${manifestFile}.${process.pid}.tmp`
  writeFileSync(pending, JSON.stringify(manifest))
  renameSync(pending, manifestFile) // atomic: a concurrent launch sees the old manifest or this one, never half of it
  removeSupersededBundles(cacheDir, name, previous?.build)
  return manifest
}

/** Dates the bundle just replaced as superseded now, and deletes the bundles superseded long enough ago. */
const removeSupersededBundles = (cacheDir, current, replaced) => {
  if (replaced !== undefined) {
    const now = new Date()
    try {
      utimesSync(path.join(cacheDir, replaced), now, now)
    } catch {
      // already deleted by another launch
    }
  }
  const cutoff = Date.now() - SUPERSEDED_BUNDLE_KEPT_MS
  for (const dir of readdirSync(cacheDir)) {
    if (dir === current || !dir.startsWith("build-")) continue
    const full = path.join(cacheDir, dir)
    if (statSync(full, { throwIfNoEntry: false })?.mtimeMs < cutoff) rmSync(full, { recursive: true, force: true })
  }
}

const [target, ...args] = process.argv.slice(2)
const entryFile = Object.hasOwn(TARGETS, target ?? "") ? TARGETS[target] : target?.endsWith(".ts") ? path.resolve(target) : undefined
if (entryFile === undefined) {
  console.error(`usage: node scripts/launch.mjs <${Object.keys(TARGETS).join("|")}|entry.ts> [arguments...]`)
  process.exit(2)
}
const entry = path.relative(ROOT, path.resolve(ROOT, entryFile))
const cacheRoot = process.env[CACHE_VARIABLE] || path.join(ROOT, "node_modules", ".cache", "stock-manager")
const cacheDir = path.join(cacheRoot, entry.replace(/[^A-Za-z0-9._-]+/g, "_"))
try {
  mkdirSync(cacheDir, { recursive: true })
} catch (error) {
  fail(`cannot keep bundles in ${cacheDir} (${error.message}); set ${CACHE_VARIABLE} to a writable folder`)
}
const manifestFile = path.join(cacheDir, "manifest.json")
const current = readManifest(manifestFile)
const manifest = isFresh(current, entry, cacheDir) ? current : await build(entry, cacheDir, manifestFile, current)

/**
 * Stack traces name the project's sources: a frame in the bundle is looked up in its source map, read the first time
 * a trace needs it. (Node's own source-map support would parse every map at start-up, a third of a second.)
 * Installed once the modules have loaded: Effect formats a trace while loading, which would read a map on every start.
 */
const sourceFrames = (bundleDir) => {
  const maps = new Map()
  const mapOf = (file) => {
    if (!maps.has(file)) {
      try {
        maps.set(file, new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8"))))
      } catch {
        maps.set(file, undefined)
      }
    }
    return maps.get(file)
  }
  /** The frame as `name (src/….ts:line:column)`, or undefined for a frame outside the bundle or its maps. */
  const sourceOf = (frame) => {
    try {
      const url = frame.getFileName()
      if (typeof url !== "string" || !url.startsWith("file:")) return undefined
      const file = fileURLToPath(url)
      if (!file.startsWith(bundleDir + path.sep)) return undefined
      const entry = mapOf(file)?.findEntry(frame.getLineNumber() - 1, frame.getColumnNumber() - 1)
      if (typeof entry?.originalSource !== "string") return undefined
      const source = path.relative(ROOT, path.resolve(path.dirname(file), entry.originalSource))
      const name = `${frame.isAsync() ? "async " : ""}${frame.getFunctionName() ?? "<anonymous>"}`
      return `${name} (${source}:${entry.originalLine + 1}:${entry.originalColumn + 1})`
    } catch {
      return undefined // a trace is never lost to its own formatting: the frame is shown as the bundle has it
    }
  }
  return (error, frames) => {
    const head = error instanceof Error ? Error.prototype.toString.call(error) : String(error)
    return [head, ...frames.map((frame) => `    at ${sourceOf(frame) ?? frame}`)].join("\n")
  }
}

// The command sees the arguments it would see under `tsx <entry> ...`, and stack traces that name the sources.
process.argv = [process.argv[0], path.resolve(ROOT, entry), ...args]
await import(pathToFileURL(path.join(cacheDir, manifest.build, "main.mjs")).href)
Error.prepareStackTrace = sourceFrames(path.join(cacheDir, manifest.build))

// Generates src/kis/catalog/generated/*.ts from the KIS endpoint catalog (endpoints.json): one compact, readable
// definition per REST endpoint, grouped by category. Where the layout calls a block an object but KIS's own example
// or a captured real body has an array (or the reverse), the observed shape wins and the definition says so.
// Run with `npm run kis:catalog [-- path/to/endpoints.json [out-dir]]`; fixtures/ and captured/ are read beside it.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

interface Field { readonly name: string; readonly required?: boolean; readonly type?: string }
interface Block { readonly name: string; readonly type: "object" | "array"; readonly fields: ReadonlyArray<Field> }
interface Variant { readonly label: string | null; readonly real: string | null; readonly mock: string | null }
interface RawEndpoint {
  readonly id: string
  readonly seq: number
  readonly name_ko: string
  readonly name_en: string
  readonly category: string
  readonly protocol: string
  readonly method: "GET" | "POST"
  readonly path: string
  readonly tr_id_real: string | null
  readonly tr_id_mock: string | null
  readonly tr_variants: ReadonlyArray<Variant>
  readonly deprecated_tr_ids?: ReadonlyArray<{ readonly old: string; readonly new: string }>
  readonly continuation?: string
  readonly request: { readonly query?: ReadonlyArray<Field>; readonly body?: ReadonlyArray<Field> }
  readonly response: { readonly blocks?: ReadonlyArray<Block>; readonly block_names_effective?: ReadonlyArray<string> }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const source = process.argv[2] ?? path.resolve(root, "../shared/kis/endpoints.json")
const outDir = process.argv[3] ?? path.join(root, "src/kis/catalog/generated")
const kisDir = path.dirname(source)

/** Path segments that every endpoint shares and that add nothing to its name. */
const NOISE = new Set(["uapi", "v1", "domestic-stock", "quotations", "trading", "ranking", "finance", "ksdinfo", "oauth2"])
const camel = (s: string) => s.replace(/[-_]([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/^[A-Z]/, (c) => c.toLowerCase())
const nameOf = (p: string) => camel(p.split("/").filter((s) => s !== "" && !NOISE.has(s)).join("-"))
const q = (s: string) => JSON.stringify(s)
const list = (xs: ReadonlyArray<string>, indent: string) => {
  const one = `[${xs.map(q).join(", ")}]`
  if (one.length + indent.length < 110) return one
  const lines: Array<string> = []
  let line = ""
  for (const x of xs.map(q)) {
    if (line !== "" && line.length + x.length + indent.length > 106) {
      lines.push(line)
      line = ""
    }
    line += (line === "" ? "" : " ") + x + ","
  }
  if (line !== "") lines.push(line)
  return `[\n${lines.map((l) => `${indent}  ${l}`).join("\n")}\n${indent}]`
}
const pair = (real: string | null, mock: string | null) => `[${q(real ?? "")}, ${mock === null ? "null" : q(mock)}]`

const AUTO = new Set(["CANO", "ACNT_PRDT_CD"])
const isOrder = (e: RawEndpoint) => e.method === "POST" && /\/trading\/order/.test(e.path)

const render = (e: RawEndpoint): string => {
  const params = [...(e.request.query ?? []), ...(e.request.body ?? [])].filter((f) => f.type !== "object")
  const seen = new Set<string>()
  const required: Array<string> = [], optional: Array<string> = []
  for (const f of params) {
    const name = f.name.toUpperCase()
    if (seen.has(name)) continue
    seen.add(name)
    ;(f.required === true || (AUTO.has(name) && f.required !== false) ? required : optional).push(name)
  }
  const layout = e.response.blocks ?? []
  const effective = e.response.block_names_effective
  const blocks = layout.map((b, i) => {
    const name = (effective?.[i] ?? b.name).toLowerCase()
    const fields = [...new Set(b.fields.map((f) => f.name.toLowerCase()))]
    const seen = observed.get(`${e.path} ${name}`)
    const type = seen !== undefined && !seen.types.has(b.type) && seen.types.size === 1 ? [...seen.types][0]! : b.type
    const note = type === b.type ? "" : `      // layout says ${b.type}; ${type === "array" ? "an array" : "an object"} in ${seen!.sources.join(" and ")}\n`
    return `${note}      ${name}: [${q(type)}, ${list(fields, "      ")}]`
  })
  const variants = e.tr_variants.filter((v) => v.label !== null && v.real !== null)
  const variantKey = (label: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(label) ? label : q(label))
  const deprecated = (e.deprecated_tr_ids ?? []).map((d) => `${d.old}: ${q(d.new)}`)
  return [
    `  /** ${e.name_ko} — ${e.name_en} (${e.id}) */`,
    `  ${nameOf(e.path)}: endpoint({`,
    `    id: ${q(e.id)}, name: ${q(nameOf(e.path))}, nameKo: ${q(e.name_ko)}, category: ${q(e.category)},`,
    `    method: ${q(e.method)}, path: ${q(e.path)}, kind: ${q(isOrder(e) ? "order" : "read")},`,
    `    tr: ${e.tr_id_real === null ? "null" : pair(e.tr_id_real, e.tr_id_mock)},` +
      ` variants: {${variants.map((v) => ` ${variantKey(v.label!)}: ${pair(v.real, v.mock)}`).join(",")}${variants.length ? " " : ""}},`,
    `    deprecated: {${deprecated.length ? ` ${deprecated.join(", ")} ` : ""}}, paged: ${e.continuation === "tr_cont"},`,
    `    required: ${list(required, "    ")},`,
    `    optional: ${list(optional, "    ")},`,
    `    blocks: {${blocks.length ? `\n${blocks.join(",\n")}\n    ` : ""}}`,
    `  })`
  ].join("\n")
}

const catalog = JSON.parse(readFileSync(source, "utf8")) as { endpoints: ReadonlyArray<RawEndpoint> }
const rest = catalog.endpoints.filter((e) => e.protocol === "REST")

/** Block shapes seen in KIS bodies: "<path> <block>" → the JSON types seen and where. */
const observed = new Map<string, { types: Set<"object" | "array">; sources: Array<string> }>()
const observe = (endpointPath: string, body: unknown, source: string) => {
  if (body === null || typeof body !== "object") return
  for (const [key, value] of Object.entries(body)) {
    if (!/^output\d?$/i.test(key) || value === null || typeof value !== "object") continue
    const k = `${endpointPath} ${key.toLowerCase()}`
    const entry = observed.get(k) ?? { types: new Set(), sources: [] }
    entry.types.add(Array.isArray(value) ? "array" : "object")
    if (!entry.sources.includes(source)) entry.sources.push(source)
    observed.set(k, entry)
  }
}
const examplesDir = path.join(kisDir, "fixtures", "kis-portal-doc-examples")
if (existsSync(examplesDir)) {
  const pathOfSeq = new Map(catalog.endpoints.map((e) => [e.seq, e.path]))
  for (const f of readdirSync(examplesDir).filter((f) => f.endsWith(".response.json"))) {
    const p = pathOfSeq.get(Number(f.slice(0, 3)))
    if (p) observe(p, JSON.parse(readFileSync(path.join(examplesDir, f), "utf8")), "the doc example")
  }
}
const capturedDir = path.join(kisDir, "captured")
if (existsSync(capturedDir)) {
  for (const f of readdirSync(capturedDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json"))) {
    const doc = JSON.parse(readFileSync(path.join(capturedDir, f), "utf8")) as { _source?: { endpoint?: string | null }; response?: unknown }
    if (typeof doc._source?.endpoint === "string") observe(doc._source.endpoint, doc.response, "captured bodies")
  }
}
const names = new Map<string, string>()
for (const e of rest) {
  const n = nameOf(e.path)
  if (names.has(n)) throw new Error(`endpoint name ${n} used by ${names.get(n)} and ${e.path}`)
  names.set(n, e.path)
}
const categories = [...new Set(rest.map((e) => e.category))]
rmSync(outDir, { recursive: true, force: true })
mkdirSync(outDir, { recursive: true })
const header = (what: string) =>
  `// GENERATED by scripts/generate-kis-catalog.ts from endpoints.json — do not edit; rerun \`npm run kis:catalog\`.\n// ${what}\n`
for (const c of categories) {
  const entries = rest.filter((e) => e.category === c).sort((a, b) => a.seq - b.seq)
  writeFileSync(
    path.join(outDir, `${camel(c)}.ts`),
    `${header(`KIS REST endpoints of category "${c}" (${entries.length}).`)}import { endpoint } from "../define.js"\n\n` +
      `export const ${camel(c)} = {\n${entries.map(render).join(",\n")}\n} as const\n`
  )
}
writeFileSync(
  path.join(outDir, "index.ts"),
  `${header("Every KIS REST endpoint, by category.")}` +
    categories.map((c) => `import { ${camel(c)} } from "./${camel(c)}.js"`).join("\n") +
    `\n\nexport { ${categories.map(camel).join(", ")} }\n` +
    `export const kisCatalog = { ${categories.map(camel).join(", ")} } as const\n`
)
console.log(`wrote ${rest.length} endpoints in ${categories.length} categories to ${path.relative(root, outDir)}`)

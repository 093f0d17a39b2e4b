// The shape of one KIS REST endpoint definition and the generic machinery behind it: request-parameter typing and
// checks, TR id choice per environment, and a response schema built at runtime from the field list (every value a
// string). Definitions themselves are generated from endpoints.json (scripts/generate-kis-catalog.ts).
import { type Either, ParseResult, Schema } from "effect"
import { KisDecodeError, KisValidationError } from "../errors.js"

export type BlockType = "object" | "array"
/** A response block: object or array, and its field names (lower-case; bodies are matched case-insensitively). */
export type BlockSpec = readonly [BlockType, ReadonlyArray<string>]
/** A TR id pair: [real, mock]; mock null = not offered on the mock server. */
export type TrPair = readonly [string, string | null]

export type EndpointCategory =
  | "oauth" | "orders_account" | "basic_quotes" | "elw" | "sector_misc" | "stock_info" | "analysis" | "ranking"

export interface EndpointSpec<
  Req extends string = string,
  Opt extends string = string,
  Blocks extends Readonly<Record<string, BlockSpec>> = Readonly<Record<string, BlockSpec>>,
  Variant extends string = string,
  Kind extends "read" | "order" = "read" | "order"
> {
  /** Portal id, e.g. `v1_국내주식-001`. */
  readonly id: string
  readonly name: string
  readonly nameKo: string
  readonly category: EndpointCategory
  readonly method: "GET" | "POST"
  readonly path: string
  /** Orders and cancels: sent at most once, never retried, ahead of reads in the rate limiter. */
  readonly kind: Kind
  /** Default TR; null only for OAuth endpoints, which carry no tr_id. */
  readonly tr: TrPair | null
  /** Alternative TRs by label (sell/buy, within_3_months/older_than_3_months, …). */
  readonly variants: Readonly<Record<Variant, TrPair>>
  /** Retired TR ids and their replacements (old → new); KIS may stop accepting the old ones. */
  readonly deprecated: Readonly<Record<string, string>>
  /** Pages with the tr_cont header and ctx_area_* keys. */
  readonly paged: boolean
  readonly required: ReadonlyArray<Req>
  readonly optional: ReadonlyArray<Opt>
  readonly blocks: Blocks
}

/** Filled in by the client when absent: the configured account and the continuation keys. */
export const AUTO_PARAMS = ["CANO", "ACNT_PRDT_CD", "CTX_AREA_FK100", "CTX_AREA_NK100", "CTX_AREA_FK200", "CTX_AREA_NK200", "CTX_AREA_FK", "CTX_AREA_NK"] as const
type AutoParam = (typeof AUTO_PARAMS)[number]

/** Request parameters of an endpoint: required ones must be present (an empty string is a value). */
export type ParamsOf<E> = E extends EndpointSpec<infer Req, infer Opt, infer _B, infer _V, infer _K>
  ? { readonly [K in Exclude<Req, AutoParam>]: string } & { readonly [K in Opt | Extract<Req, AutoParam>]?: string }
  : never

type Row<F> = F extends ReadonlyArray<infer K extends string> ? { readonly [P in K]?: string } : never
type BlockValue<S> = S extends readonly ["array", infer F] ? ReadonlyArray<Row<F>> : S extends readonly ["object", infer F] ? Row<F> | undefined : never

/** Decoded response: the envelope plus each block (arrays default to empty, objects may be absent). */
export type ResponseOf<E> = E extends EndpointSpec<infer _R, infer _O, infer B, infer _V, infer _K>
  ? KisEnvelope & { readonly [K in keyof B]: BlockValue<B[K]> }
  : never

export type VariantOf<E> = E extends EndpointSpec<infer _R, infer _O, infer _B, infer V, infer _K> ? V : never

export interface KisEnvelope {
  readonly rt_cd: string
  readonly msg_cd: string
  /** Trimmed (KIS pads it with spaces). */
  readonly msg1: string
  readonly ctx_area_fk100?: string
  readonly ctx_area_nk100?: string
}

/** Identity with inference: keeps the literal field names of a generated definition. */
export const endpoint = <
  const Req extends string,
  const Opt extends string,
  const Blocks extends Readonly<Record<string, BlockSpec>>,
  const Variant extends string = never,
  const Kind extends "read" | "order" = "read"
>(spec: EndpointSpec<Req, Opt, Blocks, Variant, Kind>): EndpointSpec<Req, Opt, Blocks, Variant, Kind> => spec

// ---------------------------------------------------------------------------------------------------------------
// Requests

/** Checks required parameters and upper-cases keys (POST bodies must be upper-case; GET accepts either). */
export const checkParams = (
  spec: EndpointSpec,
  params: Readonly<Record<string, string | undefined>>
): KisValidationError | Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue
    if (typeof v !== "string") return new KisValidationError({ endpoint: spec.name, field: k, reason: "must be a string" })
    out[k.toUpperCase()] = v
  }
  for (const k of spec.required) {
    if (!(k in out)) return new KisValidationError({ endpoint: spec.name, field: k, reason: "is required" })
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// Responses

const StringField = Schema.optional(Schema.String)

const rowSchema = (fields: ReadonlyArray<string>) =>
  Schema.Struct(Object.fromEntries(fields.map((f) => [f, StringField])))

/** The body schema of an endpoint: envelope + blocks, every layout field an optional string. */
export const responseSchema = (spec: EndpointSpec): Schema.Schema<Record<string, unknown>, Record<string, unknown>> => {
  const blocks = Object.fromEntries(
    Object.entries(spec.blocks).map(([name, [type, fields]]) => {
      const row = rowSchema(fields)
      return [name, type === "array" ? Schema.optionalWith(Schema.Array(row), { default: () => [] }) : Schema.optional(row)]
    })
  )
  return Schema.Struct({
    rt_cd: Schema.String,
    msg_cd: Schema.String.pipe(Schema.optionalWith({ default: () => "" })),
    msg1: Schema.String.pipe(Schema.optionalWith({ default: () => "" })),
    ctx_area_fk100: StringField,
    ctx_area_nk100: StringField,
    ...blocks
  }) as unknown as Schema.Schema<Record<string, unknown>, Record<string, unknown>>
}

type BodyDecoder = (raw: unknown) => Either.Either<Record<string, unknown>, ParseResult.ParseError>
/** Decoders are built once per endpoint, on first use. */
const decoders = new WeakMap<EndpointSpec, BodyDecoder>()
const decoderOf = (spec: EndpointSpec): BodyDecoder => {
  let decoder = decoders.get(spec)
  if (decoder === undefined) {
    decoder = Schema.decodeUnknownEither(responseSchema(spec), { errors: "first" })
    decoders.set(spec, decoder)
  }
  return decoder
}

/** A copy of an object with lower-case keys (anything else is returned as is). */
export const lowerKeys = (row: unknown): unknown => {
  if (row === null || typeof row !== "object" || Array.isArray(row)) return row
  let lower = true
  for (const k in row) if (k.toLowerCase() !== k) { lower = false; break }
  if (lower) return { ...row } // the usual case; a spread copy is ~40x cheaper than rebuilding the object
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(row)) out[k.toLowerCase()] = v
  return out
}

/**
 * Normalises a raw body before decoding, for documented KIS inconsistencies: keys matched case-insensitively
 * (order responses use upper-case keys), `msg` for `msg1` (reserved-order APIs), `output`/`output1` swapped on
 * single-block APIs, and an object where the layout says array (or an array of one where it says object).
 */
export const normaliseBody = (spec: EndpointSpec, raw: Record<string, unknown>): Record<string, unknown> => {
  const body = lowerKeys(raw) as Record<string, unknown>
  if (body["msg1"] === undefined && typeof body["msg"] === "string") body["msg1"] = body["msg"]
  if (typeof body["msg1"] === "string") body["msg1"] = body["msg1"].trim()
  const names = Object.keys(spec.blocks)
  if (names.length === 1) {
    const only = names[0]!
    const twin = only === "output" ? "output1" : only === "output1" ? "output" : undefined
    if (twin !== undefined && body[only] === undefined && body[twin] !== undefined) body[only] = body[twin]
  }
  for (const [name, [type]] of Object.entries(spec.blocks)) {
    const v = body[name]
    if (v === undefined || v === null || v === "") {
      delete body[name]
      continue
    }
    if (type === "array") body[name] = (Array.isArray(v) ? v : [v]).map(lowerKeys)
    else body[name] = Array.isArray(v) && v.length <= 1 ? (v.length === 1 ? lowerKeys(v[0]) : undefined) : lowerKeys(v)
    if (body[name] === undefined) delete body[name]
  }
  return body
}

/** Decodes a raw body with the endpoint's schema; a mismatch names the endpoint and the field path. */
export const decodeResponse = <E extends EndpointSpec>(spec: E, raw: unknown): KisDecodeError | ResponseOf<E> => {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return new KisDecodeError({ endpoint: spec.name, field: "(body)", issue: "expected a JSON object" })
  }
  const body = normaliseBody(spec, raw as Record<string, unknown>)
  const fast = decodePlainBody(spec, body)
  if (fast !== undefined) return fast as ResponseOf<E>
  return decodeWithSchema(spec, body) as KisDecodeError | ResponseOf<E>
}

/** The Schema path: authoritative, and the one that explains a mismatch. */
export const decodeWithSchema = (spec: EndpointSpec, body: Record<string, unknown>): KisDecodeError | Record<string, unknown> => {
  const result = decoderOf(spec)(body)
  if (result._tag === "Left") return decodeErrorOf(spec.name, result.left)
  // Keys outside the layout (doc typos like cncl_cfrm_qty, newer fields) reach the mappers undecoded. Copying them
  // back is much cheaper than Schema's onExcessProperty "preserve" (about 10 ms for an 80-field block).
  const decoded = result.right
  for (const name of Object.keys(spec.blocks)) {
    const source = body[name], target = decoded[name]
    if (Array.isArray(source) && Array.isArray(target)) source.forEach((row, i) => keepExtraKeys(row, target[i]))
    else keepExtraKeys(source, target)
  }
  return decoded
}

const fieldSets = new WeakMap<ReadonlyArray<string>, ReadonlySet<string>>()
const fieldSetOf = (fields: ReadonlyArray<string>): ReadonlySet<string> => {
  let set = fieldSets.get(fields)
  if (set === undefined) fieldSets.set(fields, (set = new Set(fields)))
  return set
}
/** A copy of a row whose layout fields are all strings (or absent), else undefined. */
const plainRow = (row: unknown, layout: ReadonlySet<string>): Record<string, unknown> | undefined => {
  if (!isRecord(row)) return undefined
  // Non-string values are rare: only those are looked up in the layout (keys outside it may hold anything).
  for (const k in row) if (typeof row[k] !== "string" && row[k] !== undefined && layout.has(k)) return undefined
  return { ...row }
}
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v)
const optionalString = (v: unknown) => v === undefined || typeof v === "string"

/**
 * The common case without Schema's per-field overhead (about 6 µs a field): a normalised body whose envelope and
 * layout fields are all strings decodes to itself (rows copied, defaults filled). Anything else returns undefined
 * and goes through the Schema, which gives the same result or the precise error; a property test keeps the two equal.
 */
export const decodePlainBody = (spec: EndpointSpec, body: Record<string, unknown>): Record<string, unknown> | undefined => {
  if (typeof body["rt_cd"] !== "string" || !optionalString(body["msg_cd"]) || !optionalString(body["msg1"])) return undefined
  if (!optionalString(body["ctx_area_fk100"]) || !optionalString(body["ctx_area_nk100"])) return undefined
  const out: Record<string, unknown> = { rt_cd: body["rt_cd"], msg_cd: body["msg_cd"] ?? "", msg1: body["msg1"] ?? "" }
  if (body["ctx_area_fk100"] !== undefined) out["ctx_area_fk100"] = body["ctx_area_fk100"]
  if (body["ctx_area_nk100"] !== undefined) out["ctx_area_nk100"] = body["ctx_area_nk100"]
  for (const [name, [type, fields]] of Object.entries(spec.blocks)) {
    const layout = fieldSetOf(fields)
    const value = body[name]
    if (value === undefined) {
      if (type === "array") out[name] = []
      continue
    }
    if (type === "array") {
      if (!Array.isArray(value)) return undefined
      const rows: Array<Record<string, unknown>> = []
      for (const row of value) {
        const copy = plainRow(row, layout)
        if (copy === undefined) return undefined
        rows.push(copy)
      }
      out[name] = rows
    } else {
      const copy = plainRow(value, layout)
      if (copy === undefined) return undefined
      out[name] = copy
    }
  }
  return out
}

const keepExtraKeys = (source: unknown, target: unknown): void => {
  if (source === null || typeof source !== "object" || target === null || typeof target !== "object") return
  for (const [k, v] of Object.entries(source)) if (!(k in target)) (target as Record<string, unknown>)[k] = v
}

/** Turns a ParseError into a KisDecodeError with a dotted field path (`output2[3].stck_clpr`). */
export const decodeErrorOf = (endpoint: string, error: ParseResult.ParseError): KisDecodeError => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  const field = issue === undefined || issue.path.length === 0
    ? "(body)"
    : issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("")
  return new KisDecodeError({ endpoint, field, issue: (issue?.message ?? "does not match the schema").slice(0, 200) })
}

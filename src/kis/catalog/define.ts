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
// What each definition's checks and decoding need, derived once per definition on first use

/**
 * The last key order seen all lower-case at one place of a body. KIS answers an endpoint with the same key order
 * each time and JSON.parse interns keys, so comparing keys by identity recognises a known layout without
 * lower-casing each key again (toLowerCase is a runtime call, ~30 ns a key: 2-3 µs for an 80-field row).
 */
class LowerCaseKeyOrder {
  private known: ReadonlyArray<string> = []

  allLowerCase(row: object): boolean {
    const known = this.known
    let i = 0
    for (const k in row) if (k !== known[i++]) return this.learn(row)
    return i === known.length || this.learn(row)
  }

  private learn(row: object): boolean {
    const keys = Object.keys(row)
    for (const k of keys) if (k.toLowerCase() !== k) return false
    this.known = keys
    return true
  }
}

/** One response block of a definition, as the plain decoder reads it. */
class BlockReader {
  private readonly layout: ReadonlySet<string>
  private readonly keyOrder = new LowerCaseKeyOrder()

  constructor(
    readonly name: string,
    readonly isArray: boolean,
    fields: ReadonlyArray<string>,
    /** The other name KIS uses for the block of a single-block endpoint (`output` ↔ `output1`). */
    readonly twin: string | undefined
  ) {
    this.layout = new Set(fields)
  }

  /** A copy of a row with lower-case keys whose layout fields are all strings (or absent), else undefined. */
  plainRow(row: unknown): Record<string, unknown> | undefined {
    if (!isRecord(row)) return undefined
    const copy = this.keyOrder.allLowerCase(row) ? { ...row } : (lowerKeys(row) as Record<string, unknown>)
    // Non-string values are rare: only those are looked up in the layout (keys outside it may hold anything).
    for (const k in copy) if (typeof copy[k] !== "string" && copy[k] !== undefined && this.layout.has(k)) return undefined
    return copy
  }
}

/** A definition's parameter names and block readers, built once per definition. */
interface CompiledDefinition {
  /** Declared parameter names (all upper-case, as generated). */
  readonly declared: ReadonlySet<string>
  /** The parameters the client fills in when absent, in AUTO_PARAMS order. */
  readonly autoParams: ReadonlyArray<AutoParam>
  readonly blocks: ReadonlyArray<BlockReader>
  readonly envelopeKeyOrder: LowerCaseKeyOrder
  /** The Schema decoder, built on first need (only bodies the plain decoder declines reach it). */
  schemaDecoder: BodyDecoder | undefined
}
type BodyDecoder = (raw: unknown) => Either.Either<Record<string, unknown>, ParseResult.ParseError>

const compiled = new WeakMap<EndpointSpec, CompiledDefinition>()
const compiledOf = (spec: EndpointSpec): CompiledDefinition => {
  let definition = compiled.get(spec)
  if (definition === undefined) {
    const declared = new Set<string>([...spec.required, ...spec.optional])
    const names = Object.keys(spec.blocks)
    const twinOf = (name: string) => (names.length !== 1 ? undefined : name === "output" ? "output1" : name === "output1" ? "output" : undefined)
    definition = {
      declared,
      autoParams: AUTO_PARAMS.filter((name) => declared.has(name)),
      blocks: Object.entries(spec.blocks).map(([name, [type, fields]]) => new BlockReader(name, type === "array", fields, twinOf(name))),
      envelopeKeyOrder: new LowerCaseKeyOrder(),
      schemaDecoder: undefined
    }
    compiled.set(spec, definition)
  }
  return definition
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

/** The parameters of an endpoint that the client fills in when absent (account, continuation keys). */
export const autoParamsOf = (spec: EndpointSpec): ReadonlyArray<AutoParam> => compiledOf(spec).autoParams

/** Checks required parameters and upper-cases keys (POST bodies must be upper-case; GET accepts either). */
export const checkParams = (
  spec: EndpointSpec,
  params: Readonly<Record<string, string | undefined>>
): KisValidationError | Record<string, string> => {
  const { declared } = compiledOf(spec)
  const out: Record<string, string> = {}
  for (const k in params) {
    const v = params[k]
    if (v === undefined) continue
    if (typeof v !== "string") return new KisValidationError({ endpoint: spec.name, field: k, reason: "must be a string" })
    out[declared.has(k) ? k : k.toUpperCase()] = v // declared names are upper-case already
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

const schemaDecoderOf = (spec: EndpointSpec): BodyDecoder => {
  const definition = compiledOf(spec)
  definition.schemaDecoder ??= Schema.decodeUnknownEither(responseSchema(spec), { errors: "first" })
  return definition.schemaDecoder
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
  for (const { name, isArray, twin } of compiledOf(spec).blocks) {
    if (twin !== undefined && body[name] === undefined && body[twin] !== undefined) body[name] = body[twin]
    const v = body[name]
    if (v === undefined || v === null || v === "") {
      delete body[name]
      continue
    }
    if (isArray) body[name] = (Array.isArray(v) ? v : [v]).map(lowerKeys)
    else body[name] = Array.isArray(v) && v.length <= 1 ? (v.length === 1 ? lowerKeys(v[0]) : undefined) : lowerKeys(v)
    if (body[name] === undefined) delete body[name]
  }
  return body
}

/** Decodes a raw body with the endpoint's schema; a mismatch names the endpoint and the field path. */
export const decodeResponse = <E extends EndpointSpec>(spec: E, raw: unknown): KisDecodeError | ResponseOf<E> => {
  if (!isRecord(raw)) return new KisDecodeError({ endpoint: spec.name, field: "(body)", issue: "expected a JSON object" })
  const fast = decodePlainBody(spec, raw)
  if (fast !== undefined) return fast as ResponseOf<E>
  return decodeWithSchema(spec, normaliseBody(spec, raw)) as KisDecodeError | ResponseOf<E>
}

/** The Schema path, on a normalised body: authoritative, and the one that explains a mismatch. */
export const decodeWithSchema = (spec: EndpointSpec, body: Record<string, unknown>): KisDecodeError | Record<string, unknown> => {
  const result = schemaDecoderOf(spec)(body)
  if (result._tag === "Left") return decodeErrorOf(spec.name, result.left)
  // Keys outside the layout (doc typos like cncl_cfrm_qty, newer fields) reach the mappers undecoded. Copying them
  // back is much cheaper than Schema's onExcessProperty "preserve" (about 10 ms for an 80-field block).
  const decoded = result.right
  for (const { name } of compiledOf(spec).blocks) {
    const source = body[name], target = decoded[name]
    if (Array.isArray(source) && Array.isArray(target)) source.forEach((row, i) => keepExtraKeys(row, target[i]))
    else keepExtraKeys(source, target)
  }
  return decoded
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v)
const optionalString = (v: unknown): v is string | undefined => v === undefined || typeof v === "string"

/**
 * The common case without Schema's per-field overhead (about 6 µs a field), on a raw body, normalising as it reads
 * (as normaliseBody does) and copying each row once: a body whose envelope and layout fields are all strings decodes
 * to itself (defaults filled). Anything else returns undefined and goes through normaliseBody and the Schema, which
 * gives the same result or the precise error; a property test keeps the two equal. The raw body is not modified.
 */
export const decodePlainBody = (spec: EndpointSpec, raw: Record<string, unknown>): Record<string, unknown> | undefined => {
  const definition = compiledOf(spec)
  const body = definition.envelopeKeyOrder.allLowerCase(raw) ? raw : (lowerKeys(raw) as Record<string, unknown>)
  const rtCd = body["rt_cd"], msgCd = body["msg_cd"], fk100 = body["ctx_area_fk100"], nk100 = body["ctx_area_nk100"]
  const msg1 = body["msg1"] === undefined && typeof body["msg"] === "string" ? body["msg"] : body["msg1"]
  if (typeof rtCd !== "string" || !optionalString(msgCd) || !optionalString(msg1)) return undefined
  if (!optionalString(fk100) || !optionalString(nk100)) return undefined
  const out: Record<string, unknown> = { rt_cd: rtCd, msg_cd: msgCd ?? "", msg1: msg1?.trim() ?? "" }
  if (fk100 !== undefined) out["ctx_area_fk100"] = fk100
  if (nk100 !== undefined) out["ctx_area_nk100"] = nk100
  for (const block of definition.blocks) {
    const { name, twin } = block
    const value = body[name] === undefined && twin !== undefined ? body[twin] : body[name]
    if (value === undefined || value === null || value === "") {
      if (block.isArray) out[name] = []
      continue
    }
    if (block.isArray) {
      const rows: Array<Record<string, unknown>> = []
      for (const row of Array.isArray(value) ? value : [value]) {
        const copy = block.plainRow(row)
        if (copy === undefined) return undefined
        rows.push(copy)
      }
      out[name] = rows
    } else {
      // An array of one stands for its row, an empty array for no block; longer arrays are left to the Schema.
      const row = Array.isArray(value) && value.length <= 1 ? value[0] : value
      if (row === undefined && Array.isArray(value)) continue
      const copy = block.plainRow(row)
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

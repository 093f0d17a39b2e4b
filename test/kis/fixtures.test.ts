// Every KIS response body we have — the portal's documentation examples and bodies captured from real use —
// decodes with its endpoint's catalog schema, the plain decoder agreeing with the Schema. Where an example's block
// shape contradicts its layout, the generator already follows the example (the "layout says" notes in the generated
// catalog), so none is exempt. fixtures/stock-manager-kis_live-UNVERIFIED is not read: its README says not KIS payloads.
import { Schema } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { isDeepStrictEqual } from "node:util"
import { expect, it } from "vitest"
import { decodePlainBody, decodeResponse, decodeWithSchema, type EndpointSpec, normaliseBody } from "../../src/kis/catalog/define.js"
import { endpointByPath } from "../../src/kis/catalog/index.js"
import { KisDecodeError } from "../../src/kis/errors.js"
import { ApprovalResponse, HashkeyResponse, RevokeResponse, TokenResponse } from "../../src/kis/schema/oauth.js"
import { describeShared, sharedPath } from "../support/shared.js"

const OAUTH: Record<string, Schema.Schema.AnyNoContext> = {
  "/oauth2/tokenP": TokenResponse,
  "/oauth2/revokeP": RevokeResponse,
  "/oauth2/Approval": ApprovalResponse,
  "/uapi/hashkey": HashkeyResponse
}

/** Captured bodies that are not KIS responses at all (other APIs the same project tested). */
const isForeign = (endpoint: string | null, file: string) =>
  /^test_open(dart|krx)_/.test(file) || (endpoint !== null && !endpoint.startsWith("/uapi/") && !endpoint.startsWith("/oauth2/"))

/**
 * Some captured bodies were stored by their project without the rt_cd envelope (only the output block, or the
 * envelope minus rt_cd): give them the success envelope so their fields are still checked against the schema.
 */
const withEnvelope = (body: unknown): unknown => {
  if (body === null || typeof body !== "object" || "rt_cd" in body) return body
  const hasBlocks = Object.keys(body).some((k) => /^output\d?$/i.test(k))
  return hasBlocks ? { rt_cd: "0", ...body } : { rt_cd: "0", msg_cd: "", output: body }
}

type Outcome = "decoded" | "failed"
const decodeBody = (path: string, body: unknown): { outcome: Outcome; detail: string } => {
  const oauth = OAUTH[path]
  if (oauth !== undefined) {
    const r = Schema.decodeUnknownEither(oauth)(body)
    return r._tag === "Right" ? { outcome: "decoded", detail: "" } : { outcome: "failed", detail: String(r.left) }
  }
  const spec = endpointByPath(path) as EndpointSpec | undefined
  if (spec === undefined) return { outcome: "failed", detail: `no catalog entry for ${path}` }
  const r = decodeResponse(spec, body)
  if (r instanceof KisDecodeError) return { outcome: "failed", detail: r.message }
  // The plain decoder, where it answers, must agree with normalising and the Schema on every real body.
  const plain = decodePlainBody(spec, body as Record<string, unknown>)
  if (plain !== undefined && !isDeepStrictEqual(plain, decodeWithSchema(spec, normaliseBody(spec, body as Record<string, unknown>)))) {
    return { outcome: "failed", detail: "the plain decoder and the Schema disagree" }
  }
  // Every field is optional, so also demand that non-empty blocks share field names with the layout.
  for (const [name, [, fields]] of Object.entries(spec.blocks)) {
    const value = (r as Record<string, unknown>)[name]
    const rows = (Array.isArray(value) ? value : value === undefined ? [] : [value]) as ReadonlyArray<Record<string, unknown>>
    const known = rows.flatMap((row) => Object.keys(row)).filter((k) => fields.includes(k)).length
    if (rows.some((row) => Object.keys(row).length > 0) && known === 0) return { outcome: "failed", detail: `${name} shares no field with the layout` }
  }
  return { outcome: "decoded", detail: "" }
}

describeShared("KIS fixtures decode with their endpoint schemas", () => {
  const catalog = JSON.parse(readFileSync(sharedPath("kis", "endpoints.json"), "utf8")) as {
    endpoints: ReadonlyArray<{ seq: number; path: string | null; protocol: string }>
  }
  const pathOfSeq = new Map(catalog.endpoints.map((e) => [e.seq, e.path]))

  it("portal documentation examples (*.response.json)", () => {
    const dir = sharedPath("kis", "fixtures", "kis-portal-doc-examples")
    const files = readdirSync(dir).filter((f) => f.endsWith(".response.json")).sort()
    const failures: Array<string> = []
    let decoded = 0
    for (const file of files) {
      const path = pathOfSeq.get(Number(file.slice(0, 3)))
      expect(path, file).toBeTypeOf("string")
      const { outcome, detail } = decodeBody(path!, JSON.parse(readFileSync(`${dir}/${file}`, "utf8")))
      if (outcome === "decoded") decoded++
      else failures.push(`${file}: ${detail}`)
    }
    console.log(`doc examples: ${decoded} of ${files.length} decoded`)
    expect(failures).toStrictEqual([])
    expect(decoded).toBe(files.length)
  })

  it("captured bodies (captured/**)", () => {
    const root = sharedPath("kis", "captured")
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json")).sort()
    const failures: Array<string> = []
    let decoded = 0, foreign = 0
    for (const file of files) {
      const doc = JSON.parse(readFileSync(`${root}/${file}`, "utf8")) as { _source: { endpoint?: string | null; test?: string }; response: unknown }
      const name = file.split("/").pop()!
      const endpoint = doc._source.endpoint ?? (name.includes("inquire-daily-itemchartprice") ? "/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice"
        : name.includes("get_access_token") ? "/oauth2/tokenP" : name.includes("revoke_access_token") ? "/oauth2/revokeP" : null)
      if (isForeign(endpoint, name)) {
        foreign++
        continue
      }
      expect(endpoint, file).toBeTypeOf("string")
      const { outcome, detail } = decodeBody(endpoint!, endpoint! in OAUTH ? doc.response : withEnvelope(doc.response))
      if (outcome === "decoded") decoded++
      else failures.push(`${file}: ${detail}`)
    }
    console.log(`captured: ${decoded} decoded, ${foreign} not KIS (OpenDART/KRX), of ${files.length}`)
    expect(failures).toStrictEqual([])
    expect(decoded + foreign).toBe(files.length)
  })
})

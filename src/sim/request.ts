// A REST request as kis-sim reads it: header names and query keys case-insensitive, body keys case-insensitive,
// so clients that send `Authorization`, lower-case `ctx_area_fk100` or no `custtype` are all understood.

export interface SimRequest {
  readonly method: string
  readonly path: string
  /** Header names lower-cased (Node already does). */
  readonly headers: Readonly<Record<string, string | undefined>>
  /** Query keys lower-cased. */
  readonly query: ReadonlyMap<string, string>
  /** JSON body keys lower-cased; undefined when there is no JSON object body. */
  readonly body: ReadonlyMap<string, unknown> | undefined
  readonly rawBody: string
}

export const makeSimRequest = (
  method: string,
  url: string,
  headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>,
  rawBody: string
): SimRequest | { readonly badJson: true; readonly path: string } => {
  const parsed = new URL(url, "http://127.0.0.1")
  const query = new Map<string, string>()
  for (const [k, v] of parsed.searchParams) query.set(k.toLowerCase(), v)
  const flat: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(headers)) flat[k.toLowerCase()] = Array.isArray(v) ? v.join(",") : (v as string | undefined)
  let body: Map<string, unknown> | undefined
  if (rawBody.trim() !== "") {
    let json: unknown
    try {
      json = JSON.parse(rawBody)
    } catch {
      return { badJson: true, path: parsed.pathname }
    }
    if (json !== null && typeof json === "object" && !Array.isArray(json)) {
      body = new Map(Object.entries(json).map(([k, v]) => [k.toLowerCase(), v]))
    }
  }
  return { method: method.toUpperCase(), path: parsed.pathname, headers: flat, query, body, rawBody }
}

/** A request parameter from the query (GET) or the JSON body (POST), matched without regard to case; "" when absent. */
export const param = (req: SimRequest, name: string): string => {
  const key = name.toLowerCase()
  const v = req.query.get(key) ?? req.body?.get(key)
  return v === undefined || v === null ? "" : String(v)
}

export const hasParam = (req: SimRequest, name: string): boolean => {
  const key = name.toLowerCase()
  return req.query.has(key) || (req.body?.has(key) ?? false)
}

export const header = (req: SimRequest, name: string): string => req.headers[name.toLowerCase()]?.trim() ?? ""

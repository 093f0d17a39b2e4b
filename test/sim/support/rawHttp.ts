// A bare HTTP client for kis-sim tests that must see the wire as an independent KIS client does: exact request header
// spelling, raw response header names (node:http keeps their case), and bodies parsed only as JSON.
import { Effect } from "effect"
import { request } from "node:http"

export interface RawResponse {
  readonly status: number
  /** Response header names exactly as sent. */
  readonly headerNames: ReadonlyArray<string>
  readonly headers: Readonly<Record<string, string>>
  readonly body: any
}

export const rawCall = (
  base: string,
  method: "GET" | "POST" | "DELETE",
  path: string,
  headers: Readonly<Record<string, string>> = {},
  body?: unknown
): Effect.Effect<RawResponse> =>
  Effect.async<RawResponse>((resume) => {
    const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body)
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (c: Buffer) => chunks.push(c))
      res.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8")
        const names = res.rawHeaders.filter((_, i) => i % 2 === 0)
        const flat: Record<string, string> = {}
        for (let i = 0; i < res.rawHeaders.length; i += 2) flat[res.rawHeaders[i]!.toLowerCase()] = res.rawHeaders[i + 1]!
        let json: unknown
        try {
          json = JSON.parse(raw)
        } catch {
          json = raw
        }
        resume(Effect.succeed({ status: res.statusCode ?? 0, headerNames: names, headers: flat, body: json }))
      })
    })
    req.on("error", (e) => resume(Effect.die(e)))
    if (text !== undefined) req.write(text)
    req.end()
  })

/** An access token for an app key, issued over raw HTTP. */
export const rawToken = (base: string, appKey: string, appSecret: string) =>
  Effect.map(rawCall(base, "POST", "/oauth2/tokenP", { "Content-Type": "application/json" }, { grant_type: "client_credentials", appkey: appKey, appsecret: appSecret }),
    (r) => r.body.access_token as string)

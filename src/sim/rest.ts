// kis-sim's REST front door, as KIS's gateway behaves: OAuth (tokenP, revokeP, Approval) and hashkey, then for data APIs
// credentials, the per-app-key rate limit (EGW00201 as HTTP 500), token checks, TR id, mock-profile coverage, injected
// faults, and finally the route's handler. Pure over the simulator's state; the HTTP server only moves bytes.
import { createHash } from "node:crypto"
import { kstDateOf, kstTimeOf } from "../domain/Time.js"
import type { KisSimExchange } from "./exchange.js"
import type { Faults } from "./faults.js"
import type { Gateway } from "./gateway.js"
import { GATEWAY, type KisMessage, NOT_ON_MOCK, type Profile } from "./messages.js"
import { header, param, type SimRequest } from "./request.js"
import type { RawFinance } from "./responses/info.js"
import { failure, type Reply } from "./responses/reply.js"
import { routeOf } from "./routes.js"

export interface SimCore {
  readonly ex: KisSimExchange
  readonly gateway: Gateway
  readonly profile: Profile
  readonly finance: ReadonlyMap<string, RawFinance>
  readonly universe: ReadonlyMap<string, Readonly<Record<string, string>>>
  readonly faults: Faults
}

/** A REST answer: a reply with its response headers, or a connection to destroy without answering. */
export type RestOutcome =
  | { readonly _tag: "Reply"; readonly reply: Reply; readonly headers: Readonly<Record<string, string>> }
  | { readonly _tag: "Drop" }

const oauthError = (msg: KisMessage): Reply => ({ status: 403, body: { error_code: msg.code, error_description: msg.text } })
const plain = (reply: Reply): RestOutcome => ({ _tag: "Reply", reply, headers: {} })

/** `YYYY-MM-DD HH:MM:SS` in KST, the form of access_token_token_expired. */
const kstWallClock = (epochMs: number): string => `${kstDateOf(epochMs)} ${kstTimeOf(epochMs).replace(/(\d\d)(\d\d)(\d\d)/, "$1:$2:$3")}`

const oauth = (core: SimCore, req: SimRequest, now: number): Reply | undefined => {
  const credentials = (secretField: string) => {
    const account = core.ex.accountOfAppKey(param(req, "appkey"))
    if (account === undefined) return oauthError(GATEWAY.invalidAppKey)
    const secret = param(req, secretField) || param(req, "appsecret")
    return secret === account.spec.appSecret ? account : oauthError(GATEWAY.invalidAppSecret)
  }
  switch (req.path) {
    case "/oauth2/tokenP": {
      const account = credentials("appsecret")
      if ("status" in account) return account
      const issued = core.gateway.issueToken(account, now)
      if (issued === "too-soon") return oauthError(GATEWAY.tokenTooSoon)
      return {
        status: 200,
        body: {
          access_token: issued.token,
          access_token_token_expired: kstWallClock(issued.expiresAt),
          token_type: "Bearer",
          expires_in: Math.max(0, Math.floor((issued.expiresAt - now) / 1000))
        }
      }
    }
    case "/oauth2/revokeP": {
      const account = credentials("appsecret")
      if ("status" in account) return account
      const check = core.gateway.checkToken(param(req, "token"), now)
      if (check._tag === "Invalid" || (check._tag === "Valid" && check.appKey !== account.spec.appKey)) return oauthError(GATEWAY.invalidToken)
      core.gateway.revoke(param(req, "token"))
      return { status: 200, body: { code: 200, message: "접근토큰 폐기에 성공하였습니다" } }
    }
    case "/oauth2/Approval": {
      const account = credentials("secretkey")
      if ("status" in account) return account
      return { status: 200, body: { approval_key: core.gateway.approvalKey(account.spec.appKey) } }
    }
    default:
      return undefined
  }
}

const gtUid = (): string => createHash("md5").update(`${process.hrtime.bigint()}${Math.random()}`).digest("hex")

/** Answers one REST request at wall-clock `now` (tokens and rate limits run on the wall clock, like KIS's gateway). */
export const answerRest = (core: SimCore, req: SimRequest, now: number): RestOutcome => {
  const auth = oauth(core, req, now)
  if (auth !== undefined) return plain(auth)
  const trId = header(req, "tr_id")
  const withHeaders = (reply: Reply): RestOutcome => ({
    _tag: "Reply", reply, headers: { tr_id: trId, tr_cont: reply.trCont ?? "", gt_uid: gtUid() }
  })
  const isHashkey = req.path === "/uapi/hashkey"
  const route = routeOf(req.path)
  if (!isHashkey && (route === undefined || route.method !== req.method)) return withHeaders(failure(GATEWAY.unknownService, 404))
  const appKey = header(req, "appkey")
  if (appKey === "") return withHeaders(failure(GATEWAY.appKeyRequired, 403))
  const account = core.ex.accountOfAppKey(appKey)
  if (account === undefined) return withHeaders(failure(GATEWAY.invalidAppKey, 403))
  if (header(req, "appsecret") !== account.spec.appSecret) return withHeaders(failure(GATEWAY.invalidAppSecret, 403))
  if (!core.gateway.admit(appKey, now)) return withHeaders(failure(GATEWAY.rateLimit, 500))
  if (isHashkey) {
    return plain({ status: 200, body: { BODY: JSON.parse(req.rawBody || "{}") as unknown, HASH: createHash("sha256").update(req.rawBody).digest("hex") } })
  }
  const bearer = /^bearer\s+(\S+)$/i.exec(header(req, "authorization"))
  const check = bearer === null ? { _tag: "Invalid" as const } : core.gateway.checkToken(bearer[1]!, now)
  if (check._tag === "Expired") return withHeaders(failure(GATEWAY.expiredToken, 500))
  if (check._tag === "Invalid" || check.appKey !== appKey) return withHeaders(failure(GATEWAY.invalidToken, 500))
  if (!route!.trIds.has(trId)) return withHeaders(failure(GATEWAY.unknownTrId))
  if (route!.realOnly && core.profile === "mock") return withHeaders(failure(NOT_ON_MOCK))
  if (core.faults.httpErrors > 0) {
    core.faults.httpErrors--
    return withHeaders(failure(GATEWAY.serverError, core.faults.httpErrorStatus))
  }
  const reply = route!.handle({ req, ex: core.ex, account, profile: core.profile, trId, finance: core.finance, universe: core.universe })
  const accepted = (reply.body as { rt_cd?: unknown }).rt_cd === "0"
  if (route!.isOrder && accepted && core.faults.dropOrderResponses > 0) {
    core.faults.dropOrderResponses--
    return { _tag: "Drop" }
  }
  return withHeaders(reply)
}

/** The answer to a body that is not JSON. */
export const badJsonOutcome: RestOutcome = { _tag: "Reply", reply: failure(GATEWAY.badJson, 400), headers: {} }

// Typed failures of the KIS client, named for what the caller can do next. None of them ever carries a
// credential, token or account number: messages are built only from codes, TR ids, paths and field names.
import { Data } from "effect"

/** A KIS_* setting is missing or malformed. Fix the environment / `.env` file; retrying cannot help. */
export class KisConfigurationError extends Data.TaggedError("KisConfigurationError")<{
  readonly variable: string
  readonly expected: string
}> {
  override get message(): string {
    return `${this.variable}: expected ${this.expected}`
  }
}

/** KIS refused the credentials (EGW00103 invalid AppKey, EGW00105 invalid AppSecret, …). Fatal until fixed. */
export class KisAuthenticationError extends Data.TaggedError("KisAuthenticationError")<{
  readonly code: string
  readonly description: string
}> {
  override get message(): string {
    return `KIS authentication failed (${this.code}): ${this.description}`
  }
}

/** KIS answered with `rt_cd` ≠ "0": a definite answer (business rejection, bad parameter, not permitted). */
export class KisApiError extends Data.TaggedError("KisApiError")<{
  readonly trId: string
  readonly path: string
  readonly msgCode: string
  readonly msg1: string
  readonly status: number
}> {
  override get message(): string {
    return `KIS ${this.trId || this.path} failed (${this.msgCode}): ${this.msg1}`
  }
}

/** EGW00201: the per-second request limit was exceeded (KIS may send it as HTTP 500). Reads retry it. */
export class KisRateLimitError extends Data.TaggedError("KisRateLimitError")<{
  readonly trId: string
  readonly path: string
  readonly status: number
}> {
  override get message(): string {
    return `KIS rate limit exceeded (EGW00201) on ${this.trId || this.path}`
  }
}

/** Bad input caught before anything was sent (missing required parameter, unknown TR variant). */
export class KisValidationError extends Data.TaggedError("KisValidationError")<{
  readonly endpoint: string
  readonly field: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.endpoint}: ${this.field} ${this.reason}`
  }
}

/**
 * The request did not get a usable answer, and for an order it provably never left (connection refused),
 * or it was a read. Safe to retry later.
 */
export class KisTransportError extends Data.TaggedError("KisTransportError")<{
  readonly path: string
  readonly reason: string
  /** True when the failure happened before any byte of the request was sent. */
  readonly beforeSend: boolean
}> {
  override get message(): string {
    return `KIS request to ${this.path} failed: ${this.reason}`
  }
}

/** An order or cancel whose bytes may have reached KIS but whose answer was lost. Reconcile; never resend. */
export class KisOutcomeUnknown extends Data.TaggedError("KisOutcomeUnknown")<{
  readonly trId: string
  readonly path: string
  readonly reason: string
}> {
  override get message(): string {
    return `outcome of ${this.trId} on ${this.path} is unknown (${this.reason}); reconcile with inquire-daily-ccld before resending`
  }
}

/** The endpoint is not offered on the mock (모의투자) server; answered locally, nothing was sent. */
export class KisNotOnMock extends Data.TaggedError("KisNotOnMock")<{
  readonly endpoint: string
  readonly path: string
}> {
  override get message(): string {
    return `${this.endpoint} (${this.path}) is not available on the KIS mock server`
  }
}

/** A response body did not match the endpoint's wire schema: names the endpoint and the offending field. */
export class KisDecodeError extends Data.TaggedError("KisDecodeError")<{
  readonly endpoint: string
  readonly field: string
  readonly issue: string
}> {
  override get message(): string {
    return `${this.endpoint}: cannot decode ${this.field}: ${this.issue}`
  }
}

/** Every failure a KIS read can end with. */
export type KisReadError =
  | KisAuthenticationError
  | KisApiError
  | KisRateLimitError
  | KisValidationError
  | KisTransportError
  | KisNotOnMock
  | KisDecodeError

/** Every failure a KIS order (order-cash, order-rvsecncl, …) can end with. */
export type KisOrderError = KisReadError | KisOutcomeUnknown

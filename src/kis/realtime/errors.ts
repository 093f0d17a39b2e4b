// Typed failures of the KIS realtime WebSocket, named for what the caller can do next. None carries the approval
// key or a notice's decryption key: messages are built from TR ids, codes and short frame excerpts only.
import { Data } from "effect"

const SECRET_VALUES = /"(approval_key|key|iv)"\s*:\s*"[^"]*"/g

/** A frame or record did not follow the KIS realtime format. Names what was wrong and shows the start of the frame. */
export class MalformedRealtimeFrame extends Data.TaggedError("MalformedRealtimeFrame")<{
  readonly reason: string
  readonly excerpt: string
}> {
  /** The error for `text`, quoting its first 60 characters with approval key, key and iv values masked. */
  static quoting(reason: string, text: string): MalformedRealtimeFrame {
    return new MalformedRealtimeFrame({ reason, excerpt: text.replace(SECRET_VALUES, '"$1":"…"').slice(0, 60) })
  }

  override get message(): string {
    return `malformed KIS realtime frame: ${this.reason} (frame starts ${JSON.stringify(this.excerpt)})`
  }
}

/** The 42nd registration was refused before sending: KIS allows 41 per session. Release one first. */
export class RegistrationLimitReached extends Data.TaggedError("RegistrationLimitReached")<{
  readonly limit: number
  readonly trId: string
  readonly trKey: string
}> {
  override get message(): string {
    return `cannot register ${this.trId}/${this.trKey}: the session already holds ${this.limit} registrations (KIS maximum)`
  }
}

/** KIS answered a registration with an error (OPSP0008 MAX SUBSCRIBE OVER, OPSP8991 invalid tr_id, …). Final for it. */
export class SubscriptionRejected extends Data.TaggedError("SubscriptionRejected")<{
  readonly trId: string
  readonly trKey: string
  readonly msgCode: string
  readonly msg1: string
}> {
  override get message(): string {
    return `KIS refused registration ${this.trId}/${this.trKey} (${this.msgCode}): ${this.msg1}`
  }
}

/**
 * KIS refused the whole session (OPSP8996 ALREADY IN USE appkey: another session holds this app key; OPSP0011
 * unknown approval key). Reconnecting cannot help until the other session closes or the key is fixed.
 */
export class SessionRejected extends Data.TaggedError("SessionRejected")<{
  readonly msgCode: string
  readonly msg1: string
}> {
  override get message(): string {
    return `KIS realtime session refused (${this.msgCode}): ${this.msg1}`
  }
}

/** No usable session: no answer in time, reconnecting gave up, or the client was closed. May succeed later. */
export class RealtimeUnavailable extends Data.TaggedError("RealtimeUnavailable")<{
  readonly reason: string
}> {
  override get message(): string {
    return `KIS realtime unavailable: ${this.reason}`
  }
}

/** Every failure a realtime stream or registration can end with. */
export type RealtimeError = RegistrationLimitReached | SubscriptionRejected | SessionRejected | RealtimeUnavailable

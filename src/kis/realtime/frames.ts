// The KIS realtime wire format, pure and in both directions: data frames `<enc>|<TR_ID>|<NNN>|<payload>`, JSON control
// frames (registration acks, PINGPONG, session errors) and registration requests. kis-sim formats with the same code.
import { Data, Either, ParseResult, Schema } from "effect"
import { MalformedRealtimeFrame } from "./errors.js"
import { decryptNotice, encryptNotice, makeNoticeCipher, type NoticeCipher } from "./noticeCipher.js"

const malformed = MalformedRealtimeFrame.quoting

// ---- data frames ----

/** A realtime data frame: `count` records of one TR, `^`-joined in `payload` (still base64 when `encrypted`). */
export interface DataFrame {
  readonly _tag: "Data"
  readonly encrypted: boolean
  readonly trId: string
  readonly count: number
  readonly payload: string
}

const DATA_FRAME = /^([01])\|([^|]+)\|(\d{3})\|/

/** True when the text is a data frame rather than a JSON control frame. */
export const isDataFrame = (text: string): boolean => text.startsWith("0|") || text.startsWith("1|")

export const parseDataFrame = (text: string): Either.Either<DataFrame, MalformedRealtimeFrame> => {
  const head = DATA_FRAME.exec(text)
  if (head === null) return Either.left(malformed("expected <0|1>|<TR_ID>|<NNN>|<payload>", text))
  const count = Number(head[3])
  if (count === 0) return Either.left(malformed("record count is 000", text))
  return Either.right({ _tag: "Data", encrypted: head[1] === "1", trId: head[2]!, count, payload: text.slice(head[0].length) })
}

/** The `^`-joined records of a frame, decrypted with the key/iv of its TR's ack when the frame is encrypted. */
export const framePlaintext = (
  frame: DataFrame,
  cipher: NoticeCipher | undefined
): Either.Either<string, MalformedRealtimeFrame> => {
  if (!frame.encrypted) return Either.right(frame.payload)
  if (cipher === undefined) {
    return Either.left(malformed(`encrypted ${frame.trId} frame arrived before any ack carrying its key/iv`, frame.payload))
  }
  return decryptNotice(cipher, frame.payload)
}

/**
 * Cuts `count` concatenated records into fields. `recordSizes` lists the field counts a record may have (one for
 * fixed layouts; 23 or 26 for notices); every record of a frame has the same size.
 */
export const splitRecords = (
  trId: string,
  plaintext: string,
  count: number,
  recordSizes: ReadonlyArray<number>
): Either.Either<ReadonlyArray<ReadonlyArray<string>>, MalformedRealtimeFrame> => {
  const fields = plaintext.split("^")
  const size = recordSizes.find((n) => n * count === fields.length)
  if (size === undefined) {
    return Either.left(malformed(`${trId}: ${fields.length} fields do not make ${count} record(s) of ${recordSizes.join(" or ")} fields`, plaintext))
  }
  const records: Array<ReadonlyArray<string>> = []
  for (let i = 0; i < count; i++) records.push(fields.slice(i * size, (i + 1) * size))
  return Either.right(records)
}

/** Formats records as one data frame; pass the TR's cipher to send it encrypted (`1|…|<base64>`). */
export const formatDataFrame = (
  trId: string,
  records: ReadonlyArray<ReadonlyArray<string>>,
  cipher?: NoticeCipher
): string => {
  if (records.length < 1 || records.length > 999) throw new RangeError(`a data frame holds 1–999 records, got ${records.length}`)
  const plaintext = records.map((r) => r.join("^")).join("^")
  const count = String(records.length).padStart(3, "0")
  return cipher === undefined ? `0|${trId}|${count}|${plaintext}` : `1|${trId}|${count}|${encryptNotice(cipher, plaintext)}`
}

// ---- control frames (JSON) ----

/** JSON.parse without letting its error text (which quotes the input) into our messages. */
const parseJsonText = (text: string): Either.Either<unknown, MalformedRealtimeFrame> => {
  try {
    return Either.right(JSON.parse(text))
  } catch {
    return Either.left(malformed("neither a data frame nor JSON", text))
  }
}

const ControlJson = Schema.Struct({
  header: Schema.Struct({
    tr_id: Schema.String,
    tr_key: Schema.optional(Schema.String),
    encrypt: Schema.optional(Schema.String)
  }),
  body: Schema.optional(Schema.Struct({
    rt_cd: Schema.String,
    msg_cd: Schema.String,
    msg1: Schema.String,
    output: Schema.optional(Schema.Struct({ iv: Schema.optional(Schema.String), key: Schema.optional(Schema.String) }))
  }))
})
const decodeControl = Schema.decodeUnknownEither(ControlJson, { errors: "first" })

/** The outcome a registration ack reports. */
export type AckOutcome = "subscribed" | "unsubscribed" | "rejected"

export type ControlFrame = Data.TaggedEnum<{
  /** Keep-alive: answer by sending `text` back unchanged. */
  PingPong: { readonly text: string }
  /** Answer to one registration (tr_type 1 or 2). `cipher` is set when the ack carried key/iv. */
  Ack: {
    readonly trId: string
    readonly trKey: string
    readonly outcome: AckOutcome
    readonly encrypted: boolean
    readonly msgCode: string
    readonly msg1: string
    readonly cipher: NoticeCipher | undefined
  }
  /** The server refused the session itself (OPSP8996 app key in use, unknown approval key, …). */
  SessionError: { readonly msgCode: string; readonly msg1: string }
}>
export const ControlFrame = Data.taggedEnum<ControlFrame>()

/** Standard OPSP messages (KIS-API.md §12.1, §16). */
export const OpspMessages = {
  OPSP0000: "SUBSCRIBE SUCCESS",
  OPSP0001: "UNSUBSCRIBE SUCCESS",
  OPSP0002: "ALREADY IN SUBSCRIBE",
  OPSP0003: "UNSUBSCRIBE ERROR(not found!)",
  OPSP0007: "SUBSCRIBE INTERNAL ERROR",
  OPSP0008: "MAX SUBSCRIBE OVER",
  OPSP0011: "invalid approval : NOT FOUND",
  OPSP8991: "invalid tr_id",
  OPSP8992: "invalid tr_key",
  OPSP8996: "ALREADY IN USE appkey",
  OPSP9999: "invalid JSON"
} as const
export type OpspCode = keyof typeof OpspMessages

/** Codes about the app key or approval key: they end the session, not one registration. */
const SESSION_CODES: ReadonlySet<string> = new Set(["OPSP8996", "OPSP0010", "OPSP0011", "OPSP8994", "OPSP8995", "OPSP9994", "OPSP9996"])

/** Parses a JSON control frame; anything else (including JSON without the ack body) is a typed error. */
export const parseControlFrame = (text: string): Either.Either<ControlFrame, MalformedRealtimeFrame> => {
  const json = parseJsonText(text)
  if (Either.isLeft(json)) return Either.left(json.left)
  const decoded = decodeControl(json.right)
  if (Either.isLeft(decoded)) return Either.left(malformed(ParseResult.TreeFormatter.formatErrorSync(decoded.left), text))
  const { header, body } = decoded.right
  if (header.tr_id === "PINGPONG") return Either.right(ControlFrame.PingPong({ text }))
  if (body === undefined) return Either.left(malformed(`control frame for ${header.tr_id} has no body (rt_cd, msg_cd, msg1)`, text))
  if (header.tr_id === "(null)" || SESSION_CODES.has(body.msg_cd)) {
    return Either.right(ControlFrame.SessionError({ msgCode: body.msg_cd, msg1: body.msg1 }))
  }
  const outcome: AckOutcome = body.msg_cd === "OPSP0001"
    ? "unsubscribed"
    : body.rt_cd === "0" || body.msg_cd === "OPSP0002" ? "subscribed" : "rejected"
  const { key, iv } = body.output ?? {}
  let cipher: NoticeCipher | undefined
  if (key !== undefined && iv !== undefined && key !== "" && iv !== "") {
    const made = makeNoticeCipher(key, iv)
    if (Either.isLeft(made)) return Either.left(malformed(`${header.tr_id} ack: ${made.left.reason}`, text))
    cipher = made.right
  }
  return Either.right(ControlFrame.Ack({
    trId: header.tr_id,
    trKey: header.tr_key ?? "",
    outcome,
    encrypted: header.encrypt === "Y",
    msgCode: body.msg_cd,
    msg1: body.msg1,
    cipher
  }))
}

/** Any frame the server sends. */
export type ServerFrame = DataFrame | ControlFrame

export const parseServerFrame = (text: string): Either.Either<ServerFrame, MalformedRealtimeFrame> =>
  isDataFrame(text) ? parseDataFrame(text) : parseControlFrame(text)

/** Formats a registration ack; success acks of encrypted TRs carry `encrypt:"Y"` and the cipher. */
export const formatAck = (ack: {
  readonly trId: string
  readonly trKey: string
  readonly msgCode: OpspCode
  readonly cipher?: NoticeCipher
}): string => {
  const ok = ack.msgCode === "OPSP0000" || ack.msgCode === "OPSP0001" || ack.msgCode === "OPSP0002"
  return JSON.stringify({
    header: { tr_id: ack.trId, tr_key: ack.trKey, encrypt: ack.cipher === undefined ? "N" : "Y" },
    body: {
      rt_cd: ok ? "0" : "1",
      msg_cd: ack.msgCode,
      msg1: OpspMessages[ack.msgCode],
      ...(ack.msgCode === "OPSP0000" && ack.cipher !== undefined ? { output: { iv: ack.cipher.iv, key: ack.cipher.key } } : {})
    }
  })
}

/** Formats a session-level error the way KIS sends OPSP8996: header tr_id "(null)", rt_cd "9". */
export const formatSessionError = (msgCode: OpspCode): string =>
  JSON.stringify({ header: { tr_id: "(null)", tr_key: "(null)", encrypt: "N" }, body: { rt_cd: "9", msg_cd: msgCode, msg1: OpspMessages[msgCode] } })

/** Formats the server keep-alive; `datetime` is KST `YYYYMMDDHHMMSS`. */
export const formatPingPong = (datetime: string): string => JSON.stringify({ header: { tr_id: "PINGPONG", datetime } })

// ---- registration requests (client → server) ----

/** `tr_type` "1" registers, "2" releases. */
export const RegistrationRequest = Schema.Struct({
  approvalKey: Schema.String.pipe(Schema.propertySignature, Schema.fromKey("approval_key")),
  custType: Schema.Literal("P", "B").pipe(Schema.propertySignature, Schema.fromKey("custtype")),
  action: Schema.transformLiterals(["1", "register"], ["2", "release"]).pipe(Schema.propertySignature, Schema.fromKey("tr_type")),
  contentType: Schema.Literal("utf-8").pipe(Schema.propertySignature, Schema.fromKey("content-type"))
})
const RegistrationJson = Schema.Struct({
  header: RegistrationRequest,
  body: Schema.Struct({ input: Schema.Struct({ tr_id: Schema.NonEmptyString, tr_key: Schema.NonEmptyString }) })
})

const decodeRegistration = Schema.decodeUnknownEither(RegistrationJson, { errors: "first" })

/** One registration or release as the client sends it. */
export interface Registration {
  readonly approvalKey: string
  readonly custType: "P" | "B"
  readonly action: "register" | "release"
  readonly trId: string
  readonly trKey: string
}

/** The text frame that registers (or releases) `trId`/`trKey`. */
export const formatRegistration = (r: Registration): string =>
  JSON.stringify(Schema.encodeSync(RegistrationJson)({
    header: { approvalKey: r.approvalKey, custType: r.custType, action: r.action, contentType: "utf-8" },
    body: { input: { tr_id: r.trId, tr_key: r.trKey } }
  }))

/** Parses a client's registration frame (server side). */
export const parseRegistration = (text: string): Either.Either<Registration, MalformedRealtimeFrame> =>
  Either.flatMap(parseJsonText(text), (json) =>
    Either.match(decodeRegistration(json), {
      onLeft: (e) => Either.left(malformed(ParseResult.TreeFormatter.formatErrorSync(e), text)),
      onRight: ({ header: { approvalKey, custType, action }, body: { input } }) =>
        Either.right({ approvalKey, custType, action, trId: input.tr_id, trKey: input.tr_key })
    }))

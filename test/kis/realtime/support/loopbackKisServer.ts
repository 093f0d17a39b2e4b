// A small KIS-realtime-speaking WebSocket server on 127.0.0.1 for the client's integration tests: acks with key/iv,
// the 41-registration cap, one session per approval key (OPSP8996), and hooks to push frames or drop sessions.
import { Effect, Either } from "effect"
import { type AddressInfo } from "node:net"
import WebSocket, { WebSocketServer } from "ws"
import { isFillNoticeTrId } from "../../../../src/kis/realtime/fields.js"
import { formatAck, formatDataFrame, formatSessionError, parseRegistration } from "../../../../src/kis/realtime/frames.js"
import { type NoticeCipher, randomNoticeCipher } from "../../../../src/kis/realtime/noticeCipher.js"

export interface ServerSession {
  readonly id: number
  readonly socket: WebSocket
  /** Every text frame the client sent, in order. */
  readonly received: Array<string>
  /** Registrations held, keyed `TR_ID|tr_key`. */
  readonly registrations: Map<string, { readonly trId: string; readonly trKey: string }>
  readonly ciphers: Map<string, NoticeCipher>
  /** Close code once the socket closed. */
  closeCode: number | undefined
}

export interface LoopbackKisServer {
  readonly url: string
  readonly sessions: ReadonlyArray<ServerSession>
  /** Sends records of `trId` to every open session holding a registration of it (encrypted for notice TRs). */
  readonly publish: (trId: string, records: ReadonlyArray<ReadonlyArray<string>>) => number
  /** Drops a session without a close frame (the client sees 1006). */
  readonly terminate: (session: ServerSession) => void
  /** While true, registrations are recorded but never answered. */
  muted: boolean
}

const isOpen = (s: ServerSession) => s.closeCode === undefined

/** Starts the server on an ephemeral port; the scope closes it. `maxRegistrations` is the server-side cap. */
export const loopbackKisServer = (maxRegistrations = 41) =>
  Effect.gen(function* () {
    const sessions: Array<ServerSession> = []
    /** Approval key → the session that registered with it first. */
    const keyOwners = new Map<string, ServerSession>()

    const onText = (session: ServerSession, text: string) => {
      session.received.push(text)
      const parsed = parseRegistration(text)
      if (Either.isLeft(parsed) || api.muted) return // PINGPONG echoes and anything else are only recorded
      const r = parsed.right
      const owner = keyOwners.get(r.approvalKey)
      if (owner !== undefined && owner !== session && isOpen(owner)) {
        session.socket.send(formatSessionError("OPSP8996"))
        return
      }
      keyOwners.set(r.approvalKey, session)
      const key = `${r.trId}|${r.trKey}`
      const ack = (msgCode: Parameters<typeof formatAck>[0]["msgCode"], cipher?: NoticeCipher) =>
        session.socket.send(formatAck({ trId: r.trId, trKey: r.trKey, msgCode, ...(cipher === undefined ? {} : { cipher }) }))
      if (r.action === "release") {
        ack(session.registrations.delete(key) ? "OPSP0001" : "OPSP0003")
      } else if (session.registrations.has(key)) {
        ack("OPSP0002")
      } else if (session.registrations.size >= maxRegistrations) {
        ack("OPSP0008")
      } else {
        session.registrations.set(key, { trId: r.trId, trKey: r.trKey })
        if (!isFillNoticeTrId(r.trId)) return ack("OPSP0000")
        const cipher = randomNoticeCipher()
        session.ciphers.set(r.trId, cipher)
        ack("OPSP0000", cipher)
      }
    }

    const server = yield* Effect.acquireRelease(
      Effect.async<WebSocketServer>((resume) => {
        const wss: WebSocketServer = new WebSocketServer({ host: "127.0.0.1", port: 0 }, () => resume(Effect.succeed(wss)))
      }),
      (wss) => Effect.async<void>((resume) => {
        for (const client of wss.clients) client.terminate()
        wss.close(() => resume(Effect.void))
      })
    )
    server.on("connection", (socket) => {
      const session: ServerSession = {
        id: sessions.length, socket, received: [], registrations: new Map(), ciphers: new Map(), closeCode: undefined
      }
      sessions.push(session)
      socket.on("message", (data) => onText(session, data.toString()))
      socket.on("close", (code) => {
        session.closeCode = code
      })
    })

    const { port } = server.address() as AddressInfo
    const api: LoopbackKisServer = {
      url: `ws://127.0.0.1:${port}/tryitout`,
      sessions,
      publish: (trId, records) => {
        const targets = sessions.filter((s) => isOpen(s) && [...s.registrations.values()].some((r) => r.trId === trId))
        for (const s of targets) s.socket.send(formatDataFrame(trId, records, s.ciphers.get(trId)))
        return targets.length
      },
      terminate: (session) => session.socket.terminate(),
      muted: false
    }
    return api
  })

/** Polls `check` every 5 ms until it holds; dies naming `what` after `within` ms. */
export const eventually = (what: string, check: (() => boolean) | Effect.Effect<boolean>, within = 5_000) =>
  Effect.gen(function* () {
    const deadline = Date.now() + within
    const holds = Effect.isEffect(check) ? check : Effect.sync(check)
    while (!(yield* holds)) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`timed out waiting for: ${what}`))
      yield* Effect.sleep("5 millis")
    }
  })

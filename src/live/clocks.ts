// MarketClock adapters for live trading: the wall clock with the KRX calendar (real and mock accounts), and kis-sim's
// replayed clock read from its admin endpoint (paper trading on a simulated day, where the wall clock would be wrong).
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { Clock, Effect, Layer, Schema } from "effect"
import type { TradingCalendar } from "../domain/krx/calendar.js"
import { phaseAt } from "../domain/krx/sessions.js"
import { type Instant, kstDateOf } from "../domain/Time.js"
import { MarketClock } from "../services/MarketClock.js"

/** The wall clock (through Effect's Clock) and the KRX calendar. */
export const WallMarketClockLive = (calendar: TradingCalendar): Layer.Layer<MarketClock> =>
  Layer.succeed(MarketClock, MarketClock.of({
    now: Effect.map(Clock.currentTimeMillis, (ms) => ms as Instant),
    today: Effect.map(Clock.currentTimeMillis, kstDateOf),
    phase: Effect.map(Clock.currentTimeMillis, (ms) => phaseAt(ms as Instant, calendar)),
    isTradingDay: calendar.isTradingDay
  }))

const SimState = Schema.Struct({ now: Schema.String })

/**
 * kis-sim's market time, asked from `GET /sim/admin/state` on every read (a loopback call). The simulator being
 * unreachable is a defect here: the engine's fibers restart and the next reconciliation re-checks everything.
 */
export const KisSimMarketClockLive = (baseUrl: string, calendar: TradingCalendar): Layer.Layer<MarketClock, never, HttpClient.HttpClient> =>
  Layer.effect(MarketClock, Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient
    const now = http.get(`${baseUrl}/sim/admin/state`).pipe(
      Effect.flatMap(HttpClientResponse.schemaBodyJson(SimState)),
      Effect.flatMap(({ now }) => {
        const ms = Date.parse(now)
        return Number.isFinite(ms) ? Effect.succeed(ms as Instant) : Effect.dieMessage(`kis-sim reported an unreadable time ${JSON.stringify(now)}`)
      }),
      Effect.orDie
    )
    return MarketClock.of({
      now,
      today: Effect.map(now, kstDateOf),
      phase: Effect.map(now, (ms) => phaseAt(ms, calendar)),
      isTradingDay: calendar.isTradingDay
    })
  }))

// Risk limits from configuration: missing fields take the defaults, bad values fail naming the field.
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { decodeRiskLimits, DEFAULT_RISK_LIMITS } from "../../src/risk/RiskLimits.js"

describe("RiskLimits", () => {
  it("fills every missing field with its default", () => {
    expect(DEFAULT_RISK_LIMITS).toEqual({
      maxPositionPct: 20,
      maxExposurePct: 100,
      maxOrdersPerMinute: 30,
      dailyLossLimitPct: 3,
      enforceTradingHours: true,
      orderPhases: ["opening-auction", "regular", "closing-auction"],
      allowMarketOrders: true
    })
    expect(decodeRiskLimits({ maxPositionPct: 12.5, enforceTradingHours: false })).toEqual(
      Either.right({ ...DEFAULT_RISK_LIMITS, maxPositionPct: 12.5, enforceTradingHours: false })
    )
  })

  it.each([
    [{ maxPositionPct: 0 }, "maxPositionPct"],
    [{ maxExposurePct: 150 }, "maxExposurePct"],
    [{ maxOrdersPerMinute: 2.5 }, "maxOrdersPerMinute"],
    [{ dailyLossLimitPct: "3" }, "dailyLossLimitPct"],
    [{ orderPhases: ["lunch"] }, "orderPhases"]
  ])("rejects %j naming the field", (input, field) => {
    const result = decodeRiskLimits(input)
    expect(Either.isLeft(result) && result.left.message).toContain(field)
  })
})

// The cycle detector on hand-built paths with a known stage, the role of volume and of fundamentals
// (perception vs reality), and invariance of the stage when every price is multiplied by a constant.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { cycleFeatures, detectCycle, requiredBars, STAGES } from "../../../strategies/reflexivity/cycle.js"
import { defaultReflexivityParams as P } from "../../../strategies/reflexivity/params.js"
import { path, stageFixtures, windowOf } from "./paths.js"

const fixtures = stageFixtures()
const fixture = (stage: string) => fixtures.find((f) => f.stage === stage)!

describe("stages of hand-built paths", () => {
  it("covers every stage", () => {
    expect(fixtures.map((f) => f.stage).sort()).toEqual([...STAGES].sort())
  })

  for (const f of fixtures) {
    it(`detects ${f.stage}`, () => {
      expect(detectCycle(windowOf(f.closes, f.volumes), undefined, P).stage).toBe(f.stage)
    })
  }

  it("says none (not a guess) when the window is shorter than the rules need", () => {
    const f = fixture("acceleration")
    const short = windowOf(f.closes.slice(-(requiredBars(P) - 1)))
    expect(detectCycle(short, undefined, P)).toEqual({ stage: "none", features: undefined })
  })

  it("needs excess for euphoria: climax volume, or a close far above its long average", () => {
    const f = fixture("euphoria"), flatVolume = windowOf(f.closes)
    const noExtension = { ...P, euphoriaExtension: 10 }
    expect(detectCycle(windowOf(f.closes, f.volumes), undefined, noExtension).stage).toBe("euphoria")
    expect(detectCycle(flatVolume, undefined, noExtension).stage).toBe("acceleration")
    expect(cycleFeatures(flatVolume, undefined, P)!.longAverageGap).toBeGreaterThan(P.euphoriaExtension)
    expect(detectCycle(flatVolume, undefined, P).stage).toBe("euphoria")
  })

  it("needs perception ahead of reality for euphoria: earnings keeping pace make it acceleration", () => {
    const f = fixture("euphoria"), w = windowOf(f.closes, f.volumes)
    const priceGrowth = cycleFeatures(w, undefined, P)!.priceGrowth
    expect(detectCycle(w, priceGrowth - P.euphoriaGap - 0.01, P).stage).toBe("euphoria")
    expect(detectCycle(w, priceGrowth - P.euphoriaGap + 0.2, P).stage).toBe("acceleration")
  })

  it("does not call a new trend inception when price already ran far ahead of earnings", () => {
    const f = fixture("inception"), w = windowOf(f.closes, f.volumes)
    expect(detectCycle(w, 0.1, P).stage).toBe("inception")
    expect(detectCycle(w, -0.5, P).stage).toBe("none")
  })

  it("needs rising volume for inception", () => {
    const f = fixture("inception")
    expect(detectCycle(windowOf(f.closes, f.closes.map(() => 1_000_000).map((v, i, a) => (i >= a.length - 20 ? v * 0.5 : v))), undefined, P).stage).toBe("none")
  })

  it("reads thresholds from params: a deeper collapse threshold turns collapse into twilight", () => {
    const f = fixture("collapse")
    expect(detectCycle(windowOf(f.closes, f.volumes), undefined, { ...P, collapseDrawdown: 0.5 }).stage).toBe("twilight")
  })
})

describe("properties", () => {
  // Random boom-bust shapes: a flat base then 2–6 trends of random length and gain, with a wiggle.
  const segmented = fc.tuple(
    fc.array(fc.tuple(fc.integer({ min: 5, max: 120 }), fc.integer({ min: -60, max: 150 })), { minLength: 2, maxLength: 6 }),
    fc.integer({ min: 0, max: 30 })
  ).map(([segments, wiggle]) =>
    path([[Math.max(20, 260 - segments.reduce((a, [n]) => a + n, 0)), 0], ...segments.map(([n, g]) => [n, g / 100] as const)], 10_000, wiggle / 1000))
  const scale = fc.double({ min: 1e-3, max: 1e3, noNaN: true }).filter((k) => k > 0)

  test.prop([fc.nat({ max: fixtures.length - 1 }), scale])("the stage of each fixture is unchanged when all prices are multiplied by a constant", (i, k) => {
    const f = fixtures[i]!
    expect(detectCycle(windowOf(f.closes.map((c) => c * k), f.volumes), undefined, P).stage).toBe(f.stage)
  })

  test.prop([segmented, scale, fc.option(fc.double({ min: -1, max: 3, noNaN: true }), { nil: undefined })], { numRuns: 200 })(
    "the stage of any path is unchanged when all prices are multiplied by a constant",
    (closes, k, earnings) => {
      const a = detectCycle(windowOf(closes), earnings, P).stage
      expect(detectCycle(windowOf(closes.map((c) => c * k)), earnings, P).stage).toBe(a)
    }
  )
})

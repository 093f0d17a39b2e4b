// The fetch-data progress line: bar width proportional to work done, counts right-aligned, never past the total.
import { describe, expect, it } from "vitest"
import { renderProgress } from "../../src/fetch/progress.js"

describe("renderProgress", () => {
  it("fills the bar in proportion and names the step", () => {
    expect(renderProgress(12, 40, "005930 2019-03-04", 20)).toBe("[######--------------] 12/40 005930 2019-03-04")
    expect(renderProgress(0, 5, "start", 10)).toBe("[----------] 0/5 start")
    expect(renderProgress(7, 5, "over", 10)).toBe("[##########] 5/5 over")
  })
})

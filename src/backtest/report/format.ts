// Number formatting shared by the terminal summary and the HTML report: won with thousands separators,
// signed percentages, ratios, and "n/a" for figures that are undefined (null).
const wholeNumber = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 })

export const NOT_AVAILABLE = "n/a"

/** Whole won with thousands separators: ₩12,345,678 (fractions rounded; negatives as -₩1,234). */
export const formatWon = (amount: number | null): string =>
  amount === null ? NOT_AVAILABLE : `${amount < 0 ? "-" : ""}₩${wholeNumber.format(Math.abs(Math.round(amount)))}`

/** A plain count with thousands separators. */
export const formatCount = (n: number): string => wholeNumber.format(n)

/** A count and its noun: "1 trading day", "1,234 trading days". */
export const formatQuantity = (n: number, singular: string, plural = `${singular}s`): string =>
  `${formatCount(n)} ${n === 1 ? singular : plural}`

/** A fraction as a signed percentage: 0.1234 → "+12.34%", −0.031 → "-3.10%", 0 → "0.00%". */
export const formatSignedPct = (fraction: number | null, digits = 2): string => {
  if (fraction === null) return NOT_AVAILABLE
  const text = (fraction * 100).toFixed(digits)
  return Number(text) === 0 ? `${(0).toFixed(digits)}%` : `${fraction > 0 ? "+" : ""}${text}%`
}

/** A fraction as an unsigned share: 0.553 → "55.3%" (win rate, exposure). */
export const formatPct = (fraction: number | null, digits = 1): string =>
  fraction === null ? NOT_AVAILABLE : `${(fraction * 100).toFixed(digits)}%`

/** A ratio such as Sharpe or beta, with thousands separators for large values. */
export const formatRatio = (x: number | null, digits = 2): string =>
  x === null
    ? NOT_AVAILABLE
    : new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x)

/** Terminal columns a string occupies: Hangul, CJK and full-width forms take two. */
export const displayWidth = (text: string): number => {
  let width = 0
  for (const ch of text) {
    const c = ch.codePointAt(0)!
    const wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6)
    width += wide ? 2 : 1
  }
  return width
}

// The one error of the history loader: a file or row that cannot be used, named precisely enough to fix it
// by hand (file, 1-based row, field, offending value, rule broken).
import { Data } from "effect"

export class DataLoadError extends Data.TaggedError("DataLoadError")<{
  /** Path of the offending file (or folder, when the layout itself is wrong). */
  readonly file: string
  /**
   * 1-based position: the line of a CSV file (header = line 1), the element of a JSON array
   * (`output2[row - 1]`), or for malformed JSON the line where parsing stopped.
   */
  readonly row: number | undefined
  readonly field: string | undefined
  readonly value: string | undefined
  readonly reason: string
}> {
  override get message(): string {
    const where = this.row === undefined ? this.file : `${this.file}:${this.row}`
    const what = this.field === undefined ? "" : ` ${this.field}${this.value === undefined ? "" : `=${this.value}`}`
    return `${where}${what}: ${this.reason}`
  }
}

/** Shorthand for the common "this file, this row, this field" error. */
export const dataLoadError = (
  file: string,
  row: number | undefined,
  field: string | undefined,
  value: string | undefined,
  reason: string
): DataLoadError => new DataLoadError({ file, row, field, value, reason })

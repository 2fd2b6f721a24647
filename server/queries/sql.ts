/**
 * Small helpers for the raw SQL of the read queries. Times cross the driver boundary as epoch numbers,
 * never as Date: postgres.js (with drizzle attached) hands timestamptz back as text and int8 as BigInt,
 * PGlite as Date and number, so each query converts in SQL instead.
 */

/** Collects positional parameters: `p(value)` appends it and returns its `$n` placeholder. */
export function sqlParams(): { p: (value: unknown) => string, values: unknown[] } {
  const values: unknown[] = []
  const p = (value: unknown) => {
    values.push(value)
    return `$${values.length}`
  }
  return { p, values }
}

/** A timestamptz column as epoch milliseconds (float8, a JS number on both drivers). */
export const epochMs = (col: string) => `floor(extract(epoch from ${col}) * 1000)::float8`

/** A timestamptz column as epoch microseconds in text: the database's full precision, for cursors. */
export const epochUs = (col: string) => `(extract(epoch from ${col}) * 1000000)::int8::text`

/** A placeholder holding epoch milliseconds, as timestamptz. */
export const fromMs = (placeholder: string) => `to_timestamp(${placeholder}::float8 / 1000)`

/** A placeholder holding epoch microseconds (text), as the exact timestamptz. */
export const fromUs = (placeholder: string) => `(timestamptz 'epoch' + ${placeholder}::int8 * interval '1 microsecond')`

export type Scalar = number | boolean | string

/** The stored value from whichever of value_num / value_bool / value_text is set. */
export function pickValue(row: { value_num: number | null, value_bool: boolean | null, value_text: string | null }): Scalar | null {
  return row.value_num ?? row.value_bool ?? row.value_text
}

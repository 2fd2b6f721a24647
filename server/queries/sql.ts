/**
 * Small helpers for the raw SQL of the read queries. Times cross the driver boundary as epoch numbers,
 * never as Date, so both drivers give the same JSON whatever their type parsers do.
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

/** A stored value as plc_state and telemetry_events keep it, with `ts` read through epochMs. */
export interface StoredValueRow {
  metric: string
  value_num: number | null
  value_bool: boolean | null
  value_text: string | null
  quality: string | null
  unit: string | null
  ts: number
}

/** The stored value from whichever of value_num / value_bool / value_text is set. */
export function pickValue(row: Pick<StoredValueRow, 'value_num' | 'value_bool' | 'value_text'>): Scalar | null {
  return row.value_num ?? row.value_bool ?? row.value_text
}

/** A value COPY can take in text format. */
export type CopyValue = string | number | boolean | null

// COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL. Most values
// (ids, metric names, numbers) need none of it, and the test is much cheaper than the replace.
const SPECIAL = /[\\\t\n\r]/
const escapeText = (s: string) => (SPECIAL.test(s)
  ? s.replace(/[\\\t\n\r]/g, c => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
  : s)

/** Rows as the body of `COPY … FROM STDIN` in text format. */
export function toCopyText(rows: CopyValue[][]): string {
  let out = ''
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const v = row[i]
      if (i) out += '\t'
      out += v === null || v === undefined ? '\\N' : typeof v === 'string' ? escapeText(v) : String(v)
    }
    out += '\n'
  }
  return out
}

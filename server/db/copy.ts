/** A value COPY can take in text format. */
export type CopyValue = string | number | boolean | null

// COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL.
const escapeText = (s: string) => s.replace(/[\\\t\n\r]/g, c => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))

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

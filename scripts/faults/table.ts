import type { Row } from './harness'

const cell = (v: number | undefined) => (v === undefined ? '—' : v.toLocaleString('en-US'))
const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`)

/** The fault table: one line per fault, then each fault's notes. */
export function formatTable(rows: Row[]): string {
  const header = ['fault', 'sent', 'stored', 'duplicated', 'dead-lettered', 'lost', 'recovery', 'result']
  const lines = rows.map(r => [r.fault, cell(r.sent), cell(r.stored), cell(r.duplicated), cell(r.deadLettered), cell(r.lost), seconds(r.recoveryMs), r.ok ? 'ok' : 'FAILED'])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map(l => l[i]!.length)))
  const fmt = (l: string[]) => `| ${l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`
  const out = [fmt(header), `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt), '']
  for (const r of rows) out.push(`${r.fault}:`, ...r.notes.map(n => `  - ${n}`))
  return out.join('\n')
}

import type { SqlClient } from '../../server/db/client'
import type { GeneratorReport } from '../load-generator'

const VALUES_PER_B = 10

export interface Verification {
  /** Values the database must hold: every broker-acknowledged message's values. */
  expectedRows: number
  /** Upper bound: messages published but never acknowledged may or may not have arrived. */
  maxRows: number
  storedRows: number
  /** Rows beyond one per value (machine/metric/seq, or PLC/metric/timestamp for shape A). */
  duplicates: number
  /** Acknowledged values missing from the database. */
  lost: number
  /** Machines whose stored seqs are not exactly 0…n-1 with 10 values each, n between acked and published. */
  machineMismatches: { machine: string, published: number, acked: number, rows: number, seqs: number, minSeq: number | null, maxSeq: number | null, missingSeqs?: number[] }[]
  aStreamMismatches: { plc: string, metric: string, published: number, acked: number, rows: number }[]
  deadLetters: Record<string, number>
  /** Values counted into telemetry_hourly (mode "both" feeds it once per new value). */
  hourlyCount: number
  ok: boolean
}

interface MachineRow { machine: string, rows: number, seqs: number, min_seq: number | null, max_seq: number | null }

async function machineRows(sql: SqlClient): Promise<Map<string, MachineRow>> {
  const rows = await sql.query<MachineRow>(`
    select p.plc_id as machine, count(*)::int as rows, count(distinct e.seq)::int as seqs,
           min(e.seq)::int as min_seq, max(e.seq)::int as max_seq
    from telemetry_events e join plcs p on p.id = e.plc_id
    where e.seq is not null group by p.plc_id`)
  return new Map(rows.map(r => [r.machine, r]))
}

async function aStreamRows(sql: SqlClient): Promise<Map<string, number>> {
  const rows = await sql.query<{ plc: string, metric: string, rows: number }>(`
    select p.plc_id as plc, e.metric, count(*)::int as rows
    from telemetry_events e join plcs p on p.id = e.plc_id
    where e.seq is null group by p.plc_id, e.metric`)
  return new Map(rows.map(r => [`${r.plc}|${r.metric}`, r.rows]))
}

function checkMachines(report: GeneratorReport, stored: Map<string, MachineRow>): Verification['machineMismatches'] {
  const bad: Verification['machineMismatches'] = []
  for (const m of report.machines) {
    const r = stored.get(m.machine)
    const seqs = r?.seqs ?? 0
    const contiguous = seqs === 0 || (r!.min_seq === 0 && r!.max_seq === seqs - 1)
    if (seqs < m.acked || seqs > m.published || !contiguous || (r?.rows ?? 0) !== seqs * VALUES_PER_B) {
      bad.push({ machine: m.machine, published: m.published, acked: m.acked, rows: r?.rows ?? 0, seqs, minSeq: r?.min_seq ?? null, maxSeq: r?.max_seq ?? null })
    }
  }
  return bad
}

/** The seqs of a machine that are not stored (first 20): says where in the run a loss happened. */
async function missingSeqs(sql: SqlClient, machine: string, published: number): Promise<number[]> {
  const rows = await sql.query<{ seq: number }>(`
    select s::int as seq from generate_series(0, $2::int - 1) s
    where not exists (select 1 from telemetry_events e join plcs p on p.id = e.plc_id where p.plc_id = $1 and e.seq = s)
    order by s limit 20`, [machine, published])
  return rows.map(r => r.seq)
}

function checkAStreams(report: GeneratorReport, stored: Map<string, number>): Verification['aStreamMismatches'] {
  return report.aStreams
    .map(s => ({ plc: s.plc, metric: s.metric, published: s.published, acked: s.acked, rows: stored.get(`${s.plc}|${s.metric}`) ?? 0 }))
    .filter(s => s.rows < s.acked || s.rows > s.published)
}

/**
 * Checks the database against what the generator says the broker acknowledged: total rows, no
 * duplicates, and machine by machine that every seq is there exactly once with all its values.
 */
export async function verifyRows(sql: SqlClient, report: GeneratorReport): Promise<Verification> {
  // A value's identity, independent of how the server spells its idempotency key: machine, metric and
  // seq for shape B; PLC, metric and timestamp for shape A (whose streams never repeat a timestamp).
  const [totals] = await sql.query<{ rows: number, distinct_rows: number }>(`
    select count(*)::int as rows,
           (count(distinct (plc_id, metric, seq)) filter (where seq is not null)
            + count(distinct (plc_id, metric, ts)) filter (where seq is null))::int as distinct_rows
    from telemetry_events`)
  const machines = await machineRows(sql)
  const streams = await aStreamRows(sql)
  const dead = await sql.query<{ reason: string, n: number }>('select reason, count(*)::int as n from dead_letters group by reason')
  const [hourly] = await sql.query<{ n: number }>('select coalesce(sum(count), 0)::int as n from telemetry_hourly')
  const expectedRows = report.acked.b * VALUES_PER_B + report.acked.a
  const maxRows = report.published.b * VALUES_PER_B + report.published.a
  const storedRows = totals?.rows ?? 0
  const machineMismatches = checkMachines(report, machines)
  const aStreamMismatches = checkAStreams(report, streams)
  let storedAcked = 0
  for (const m of report.machines) storedAcked += Math.min(m.acked, machines.get(m.machine)?.seqs ?? 0) * VALUES_PER_B
  for (const s of report.aStreams) storedAcked += Math.min(s.acked, streams.get(`${s.plc}|${s.metric}`) ?? 0)
  const duplicates = storedRows - (totals?.distinct_rows ?? 0)
  const lost = expectedRows - storedAcked
  for (const m of machineMismatches.slice(0, 20)) m.missingSeqs = await missingSeqs(sql, m.machine, m.published)
  return {
    expectedRows, maxRows, storedRows, duplicates, lost,
    machineMismatches: machineMismatches.slice(0, 20), aStreamMismatches: aStreamMismatches.slice(0, 20),
    deadLetters: Object.fromEntries(dead.map(d => [d.reason, d.n])),
    hourlyCount: hourly?.n ?? 0,
    ok: duplicates === 0 && lost === 0 && storedRows >= expectedRows && storedRows <= maxRows && !machineMismatches.length && !aStreamMismatches.length && !dead.length
  }
}

import type { SqlClient } from '../../server/db/client'
import type { GeneratorReport } from '../../bench/load-generator'
import { verifyRows, type Verification } from '../../bench/lib/verify'

const VALUES_PER_B = 10

/** Messages stored so far: shape B by (machine, seq), shape A by (PLC, metric, ts). */
export async function storedMessages(sql: SqlClient): Promise<number> {
  const [r] = await sql.query<{ n: number }>(`
    select ((count(*) filter (where seq is not null)) / ${VALUES_PER_B}
            + count(*) filter (where seq is null))::int as n from telemetry_events`)
  return r?.n ?? 0
}

/** Polls until at least `target` messages are stored; returns when (epoch ms), or null on timeout. */
export async function waitStored(sql: SqlClient, target: number, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await storedMessages(sql).catch(() => 0) >= target) return Date.now()
    await new Promise(r => setTimeout(r, 200))
  }
  return null
}

/** Machines and shape A streams whose latest state is not the value of their newest message. */
async function staleStates(sql: SqlClient, report: GeneratorReport): Promise<string[]> {
  const rows = await sql.query<{ plc: string, metric: string, v: number }>(`
    select p.plc_id as plc, s.metric, s.value_num as v from plc_state s join plcs p on p.id = s.plc_id`)
  const state = new Map(rows.map(r => [`${r.plc}|${r.metric}`, r.v]))
  const bad: string[] = []
  for (const m of report.machines) {
    if (m.published && state.get(`${m.machine}|v0`) !== m.published - 1) bad.push(`${m.machine}: v0 ${state.get(`${m.machine}|v0`)} ≠ ${m.published - 1}`)
  }
  for (const s of report.aStreams) {
    if (s.published && state.get(`${s.plc}|${s.metric}`) !== s.published - 1) bad.push(`${s.plc}/${s.metric}: ${state.get(`${s.plc}|${s.metric}`)} ≠ ${s.published - 1}`)
  }
  return bad
}

export interface Outcome {
  sent: number
  stored: number
  duplicated: number
  deadLettered: number
  lost: number
  staleStates: string[]
  /** Published but not acknowledged by the broker, plus received by an app but not yet durable. */
  limbo: number
  verification: Verification
}

/**
 * Waits until everything the broker acknowledged is stored (a redelivery may still be on its way),
 * then checks exactly-once by key, the latest state, and that nothing is left pending anywhere.
 */
export async function settle(sql: SqlClient, report: GeneratorReport, pending: () => Promise<number>): Promise<Outcome> {
  await waitStored(sql, report.acked.total, 60_000)
  // Late redeliveries would show up as duplicates in this second, if the keys let them through.
  await new Promise(r => setTimeout(r, 1500))
  const v = await verifyRows(sql, report)
  const stored = await storedMessages(sql)
  return {
    sent: report.published.total,
    stored,
    duplicated: v.duplicates,
    deadLettered: Object.values(v.deadLetters).reduce((a, b) => a + b, 0),
    lost: v.lost,
    staleStates: await staleStates(sql, report),
    limbo: report.unacked + await pending(),
    verification: v
  }
}

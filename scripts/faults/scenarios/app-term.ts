import { Scenario, row, sleep, type RunContext, type Row } from '../harness'
import { waitStored } from '../verify'

/**
 * SIGTERM mid-stream: the app stops taking messages, lets the batch in flight commit and be
 * acknowledged, and exits 0; the restarted app gets the rest from the broker.
 */
export async function appTerm(ctx: RunContext): Promise<Row> {
  // A long batch window makes sure a batch is open when the signal arrives.
  const s = await new Scenario(ctx).open({ env: { INGEST_BATCH_MAX_MS: '300' } })
  try {
    const notes: string[] = []
    s.load.start()
    await sleep(4000)
    const app = s.apps[0]!
    const { code, ms } = await app.terminate()
    const cleared = Date.now()
    const drained = app.logs.join('').split('\n').find(l => l.includes('ingest drained for shutdown'))
    const d = drained ? JSON.parse(drained) as { drained: number, left: number } : undefined
    notes.push(`exit ${code} after ${ms} ms; ${d ? `drained ${d.drained} messages, ${d.left} left unacknowledged` : 'no drain log line'}`)
    await app.start()
    const caught = await waitStored(s.db.sql, s.load.acked, 60_000)
    await sleep(3000)
    const out = await s.finish()
    return row(s, 'app SIGTERM + restart', out, caught && caught - cleared, notes, code === 0 && d !== undefined && d.left === 0)
  } finally {
    await s.close()
  }
}

import { Scenario, row, sleep, type RunContext, type Row } from '../harness'
import { storedMessages, waitStored } from '../verify'

const OUTAGE_MS = 20_000

/**
 * Stop PostgreSQL for 20 s mid-stream: the ingest must stop acknowledging (nothing is stored, so
 * nothing may be acked), show degraded in /health, and catch up by itself once it is back.
 */
export async function postgresStop(ctx: RunContext): Promise<Row> {
  const s = await new Scenario(ctx).open()
  try {
    const notes: string[] = []
    s.load.start()
    await sleep(4000)
    ctx.pg.stop()
    const t0 = Date.now()
    const statuses = new Set<string>()
    let maxPending = 0
    while (Date.now() - t0 < OUTAGE_MS) {
      const h = await s.apps[0]!.health()
      if (h) statuses.add(`${h.status}/ingest ${h.parts.ingest?.status}`)
      maxPending = Math.max(maxPending, h?.parts.ingest?.pending ?? 0)
      await sleep(500)
    }
    ctx.pg.start()
    const cleared = Date.now()
    const storedAtRestart = await storedMessages(s.db.sql)
    const degraded = [...statuses].some(x => x.startsWith('degraded'))
    notes.push(`/health during the outage: ${[...statuses].join(', ')}; up to ${maxPending} messages held unacknowledged`)
    const target = s.load.acked
    const timeline: string[] = []
    const sampler = setInterval(() => void storedMessages(s.db.sql).then(n => timeline.push(`${((Date.now() - cleared) / 1000).toFixed(0)}s:${n}`), () => {}), 2000)
    const caught = await waitStored(s.db.sql, target, 90_000)
    clearInterval(sampler)
    notes.push(`caught up from ${storedAtRestart} stored at restart to ${target} (stored over time: ${timeline.join(' ')})`)
    const healthy = (await s.apps[0]!.health())?.status === 'ok'
    if (!healthy) notes.push('/health not ok after catching up')
    await sleep(3000)
    const out = await s.finish()
    return row(s, 'PostgreSQL stopped 20 s', out, caught && caught - cleared, notes, degraded && healthy)
  } finally {
    ctx.pg.ensureRunning()
    await s.close()
  }
}

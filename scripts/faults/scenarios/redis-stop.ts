import { Scenario, row, sleep, type RunContext, type Row } from '../harness'
import { LiveWatch } from '../live'
import { SITE } from '../load'
import { storedMessages, waitStored } from '../verify'

const OUTAGE_MS = 5000

/**
 * Stop Redis mid-stream: ingest must go on (the bus is best-effort, the database has everything),
 * and a WebSocket client must get live events again once Redis is back, without a page reload.
 */
export async function redisStop(ctx: RunContext): Promise<Row> {
  const s = await new Scenario(ctx).open()
  const watch = new LiveWatch(() => s.apps[0]!.url, await s.viewerToken(), SITE)
  try {
    const notes: string[] = []
    await watch.open()
    s.load.start()
    await sleep(3000)
    const eventsBefore = watch.events
    await ctx.redis.stop()
    const storedAtStop = await storedMessages(s.db.sql)
    await sleep(OUTAGE_MS / 2)
    const busDown = (await s.apps[0]!.health())?.parts.bus?.status === 'down'
    await sleep(OUTAGE_MS / 2)
    const storedDuring = await storedMessages(s.db.sql) - storedAtStop
    await ctx.redis.start()
    const cleared = Date.now()
    const resumed = await watch.waitForEventAfter(cleared, 20_000)
    notes.push(`stored ${storedDuring} messages while Redis was down; /health bus ${busDown ? 'down' : 'NOT down'}`)
    notes.push(resumed ? `live events again ${resumed - cleared} ms after Redis came back (${watch.reconnects} WS reconnects)` : 'live events did NOT resume')
    notes.push(`WS events before the outage ${eventsBefore}, in all ${watch.events}`)
    await waitStored(s.db.sql, s.load.acked, 60_000)
    await sleep(1000)
    const out = await s.finish()
    return row(s, 'Redis stopped 5 s', out, resumed && resumed - cleared, notes, busDown && storedDuring > 0 && eventsBefore > 0)
  } finally {
    watch.close()
    await ctx.redis.start().catch(() => {})
    await s.close()
  }
}

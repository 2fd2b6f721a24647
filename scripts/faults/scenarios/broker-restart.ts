import { Scenario, row, sleep, type RunContext, type Row } from '../harness'
import { waitStored } from '../verify'

/**
 * Restart Mosquitto mid-stream. Its persistence keeps the ingest's session and queued QoS 1
 * messages; the ingest and the gateways reconnect by themselves, and what was in flight either way
 * is resent (a copy the keys must absorb).
 */
export async function brokerRestart(ctx: RunContext): Promise<Row> {
  const s = await new Scenario(ctx).open()
  try {
    const notes: string[] = []
    s.load.start()
    await sleep(4000)
    const t0 = Date.now()
    await s.broker.restart()
    const cleared = Date.now()
    notes.push(`broker down ${cleared - t0} ms`)
    const reconnected = await waitUntil(async () => (await s.apps[0]!.health())?.parts.mqtt?.status === 'up', 20_000)
    notes.push(reconnected ? `ingest reconnected after ${Date.now() - cleared} ms` : 'ingest did NOT reconnect')
    const caught = await waitStored(s.db.sql, s.load.acked, 60_000)
    await sleep(3000)
    const out = await s.finish()
    return row(s, 'Mosquitto restart', out, caught && caught - cleared, notes, reconnected)
  } finally {
    await s.close()
  }
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true
    await sleep(100)
  }
  return false
}

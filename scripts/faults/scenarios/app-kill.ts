import { Scenario, row, sleep, type RunContext, type Row } from '../harness'
import { waitStored } from '../verify'

/** SIGKILL the app mid-stream and start it again: the broker redelivers what was never acknowledged. */
export async function appKill(ctx: RunContext): Promise<Row> {
  // A long batch window keeps messages received-but-uncommitted at the moment of the kill.
  const s = await new Scenario(ctx).open({ env: { INGEST_BATCH_MAX_MS: '200' } })
  try {
    const notes: string[] = []
    s.load.start()
    await sleep(4000)
    await s.apps[0]!.kill()
    const cleared = Date.now()
    await s.apps[0]!.start()
    notes.push(`restart to healthy ${Date.now() - cleared} ms`)
    const caught = await waitStored(s.db.sql, s.load.acked, 60_000)
    await sleep(3000)
    const out = await s.finish()
    return row(s, 'app SIGKILL + restart', out, caught && caught - cleared, notes)
  } finally {
    await s.close()
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTransitions, type Transition } from '../../server/alarms/transitions'
import { openDatabase, type Database, type SqlClient } from '../../server/db/client'
import { ensurePlant } from '../../server/db/demo-data'
import { createEndpoint } from '../../server/notifications/endpoints'
import { MIGRATIONS } from '../support/platform'
import { createTestDatabase, uniqueId } from '../support/services'

// An alarm transition, its notifications and (critical alarms) its audit entry are one transaction on
// PostgreSQL: the notifications are there the moment the alarm is, and a transition that fails to
// commit leaves neither the alarm nor notifications of it behind.

/** The client, with every statement that mentions `table` failing (in transactions too). */
function failingOn(sql: SqlClient, table: string): SqlClient {
  return new Proxy(sql, {
    get(target, prop) {
      if (prop === 'query') return (text: string, params?: unknown[]) => text.includes(table) ? Promise.reject(new Error(`${table} write failed`)) : target.query(text, params)
      if (prop === 'transaction') return <T>(fn: (tx: SqlClient) => Promise<T>) => target.transaction(tx => fn(failingOn(tx, table)))
      const value = Reflect.get(target, prop) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

describe('alarm transitions and their notifications', () => {
  let testDb: { url: string, drop: () => Promise<void> }
  let db: Database
  let plant: { tenantId: string, plantId: string }

  beforeAll(async () => {
    testDb = await createTestDatabase()
    db = await openDatabase({ kind: 'postgres', url: testDb.url })
    await db.migrate(MIGRATIONS)
    plant = await ensurePlant(db.sql, { tenant: 'tx', tenantName: 'tx', province: 'p', plant: 'plant', plantName: 'plant' })
    await createEndpoint(db.sql, 'test', plant.tenantId, { name: 'all', url: 'http://127.0.0.1:9/hook', severities: ['critical', 'high'], sites: [], events: ['raised', 'cleared'], enabled: true }, [])
  })
  afterAll(async () => {
    await db?.close()
    await testDb?.drop()
  })

  const transition = (decision: 'raise' | 'clear', key: string, severity: 'critical' | 'high' = 'high'): Transition => ({
    decision, key, ts: Date.now(), value: 1,
    draft: {
      plant: { ...plant, tenant: 'tx', plant: 'plant' }, plcRowId: null, plcId: null, gatewayRowId: null, gatewayId: null,
      ruleId: null, metric: null, type: 'buffer_backlog', severity, message: 'test'
    }
  })
  const deliveries = async (key: string) => (await db.sql.query<{ event: string }>(
    `select d.event from notification_deliveries d join alarms a on a.id = d.alarm_id where a.condition_key = $1 order by d.created_at, d.event`, [key])).map(r => r.event)

  const countDeliveries = async () => (await db.sql.query<{ n: number }>('select count(*)::int as n from notification_deliveries'))[0]!.n

  it('queues the notifications of a raise and of a clear as each is written', async () => {
    const key = uniqueId('key')
    const [raised] = await writeTransitions(db.sql, [transition('raise', key)])
    expect(raised!.transition).toBe('raised')
    // No waiting: whoever sees the alarm sees its notification.
    expect(await deliveries(key)).toEqual(['raised'])
    await writeTransitions(db.sql, [transition('clear', key)])
    expect((await deliveries(key)).sort()).toEqual(['cleared', 'raised'])
  })

  it('leaves no alarm and no notification when the transaction fails after queueing', async () => {
    const key = uniqueId('key')
    // A critical alarm's audit entry comes after its notifications in the transaction: fail there.
    const before = await countDeliveries()
    await expect(writeTransitions(failingOn(db.sql, 'audit_log'), [transition('raise', key, 'critical')])).rejects.toThrow('write failed')
    expect(await db.sql.query(`select 1 from alarms where condition_key = $1`, [key])).toHaveLength(0)
    expect(await countDeliveries()).toBe(before)
    // The same transition succeeds once the audit can be written, and notifies once.
    await writeTransitions(db.sql, [transition('raise', key, 'critical')])
    expect(await deliveries(key)).toEqual(['raised'])
  })
})

import { AlarmIdParams } from '../../../alarms/alarm-schemas'
import { toAlarmJson } from '../../../alarms/alarm-json'
import { alarmHistory } from '../../../alarms/queries'

/** One alarm with its history (every transition, oldest first). `[key]` is the alarm id here. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm:read')
  const { id } = await validParams(event, AlarmIdParams, { id: 'key' })
  const { db } = await usePlatform()
  const alarm = await requireAlarm(db.sql, ctx, id, 'alarm:read')
  return { ...toAlarmJson(alarm), history: await alarmHistory(db.sql, alarm.id) }
})

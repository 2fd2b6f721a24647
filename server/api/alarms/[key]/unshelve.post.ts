import { AlarmIdParams } from '../../../alarms/alarm-schemas'
import { unshelveAlarm } from '../../../alarms/actions'
import { toAlarmJson } from '../../../alarms/alarm-json'

/** Ends a shelving early; 409 if the alarm is not shelved. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm:shelve')
  const { id } = await validParams(event, AlarmIdParams, { id: 'key' })
  const platform = await usePlatform()
  await requireAlarm(platform.db.sql, ctx, id, 'alarm:shelve')
  const outcome = await unshelveAlarm(platform.db.sql, id, ctx)
  if (!outcome.ok) throw createError({ statusCode: 409, statusMessage: 'Conflict', message: 'The alarm is not shelved', data: { code: outcome.code } })
  platform.alarms.changed(outcome.alarm, 'unshelved')
  return toAlarmJson(outcome.alarm)
})

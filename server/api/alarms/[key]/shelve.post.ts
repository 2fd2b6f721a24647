import { AlarmIdParams, ShelveBody } from '../../../alarms/alarm-schemas'
import { shelveAlarm } from '../../../alarms/actions'
import { toAlarmJson } from '../../../alarms/alarm-json'

/** Shelves an alarm for some minutes: out of the active lists, still tracked and cleared as usual. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm:shelve')
  const { id } = await validParams(event, AlarmIdParams, { id: 'key' })
  const { minutes, comment } = await validBody(event, ShelveBody)
  const platform = await usePlatform()
  await requireAlarm(platform.db.sql, ctx, id, 'alarm:shelve')
  const alarm = await shelveAlarm(platform.db.sql, id, ctx, minutes, comment ?? null)
  platform.alarms.changed(alarm, 'shelved')
  return toAlarmJson(alarm)
})

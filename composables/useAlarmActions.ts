import type { Alarm } from '~/utils/alarms'

/**
 * Acknowledge, shelve and unshelve, with a toast either way. Resolves to the alarm as the server
 * now has it, or null when refused (a 409 means someone else was first: the list shows it live).
 */
export function useAlarmActions() {
  const api = useApi()
  const toast = useToast()
  const { t } = useI18n()
  const busy = ref<string | null>(null)

  async function run(alarm: Alarm, action: 'acknowledge' | 'shelve' | 'unshelve', body: object, done: string): Promise<Alarm | null> {
    busy.value = alarm.id
    try {
      const updated = await api<Alarm>(`/api/alarms/${alarm.id}/${action}`, { method: 'POST', body })
      toast.add({ severity: 'success', summary: done, life: 3000 })
      return updated
    } catch (err) {
      toast.add({ severity: 'error', summary: t('alarms.actionFailed'), detail: apiErrorMessage(err), life: 6000 })
      return null
    } finally {
      busy.value = null
    }
  }

  const comment = (c: string) => (c.trim() ? { comment: c.trim() } : {})

  return {
    busy,
    acknowledge: (a: Alarm, c: string) => run(a, 'acknowledge', comment(c), t('alarms.acknowledged')),
    shelve: (a: Alarm, minutes: number, c: string) => run(a, 'shelve', { minutes, ...comment(c) }, t('alarms.shelvedDone')),
    unshelve: (a: Alarm) => run(a, 'unshelve', {}, t('alarms.unshelvedDone'))
  }
}

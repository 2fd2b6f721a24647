import { ALARM_TYPES, SEVERITIES, type AlarmFilter, type AlarmType, type Severity } from '~/utils/alarms'

const STATES = ['open', 'active', 'acknowledged', 'cleared', 'all'] as const

/**
 * The alarm filters kept in the URL (`?state=&severity=a,b&site=&plc=&type=&shelved=1`), so the
 * badges elsewhere can link to a filtered list and a reload keeps the view. Unknown values are ignored.
 */
export function useAlarmFilter() {
  const route = useRoute()
  const router = useRouter()
  const one = (v: unknown) => (Array.isArray(v) ? v[0] : v) as string | undefined

  function fromQuery(): AlarmFilter {
    const q = route.query
    const state = one(q.state)
    return {
      state: (STATES as readonly string[]).includes(state ?? '') ? state as AlarmFilter['state'] : 'open',
      severities: (one(q.severity) ?? '').split(',').filter((s): s is Severity => (SEVERITIES as readonly string[]).includes(s)),
      site: one(q.site) || null,
      plcId: (one(q.site) && one(q.plc)) || null,
      type: (ALARM_TYPES as readonly string[]).includes(one(q.type) ?? '') ? one(q.type) as AlarmType : null,
      includeShelved: one(q.shelved) === '1'
    }
  }

  const filter = ref<AlarmFilter>(fromQuery())
  watch(filter, (f) => {
    const query: Record<string, string> = {}
    if (f.state !== 'open') query.state = f.state
    if (f.severities.length) query.severity = f.severities.join(',')
    if (f.site) query.site = f.site
    if (f.plcId) query.plc = f.plcId
    if (f.type) query.type = f.type
    if (f.includeShelved) query.shelved = '1'
    void router.replace({ query })
  }, { deep: true })

  // The URL changed under the page (a badge or the nav link to /alarms while on /alarms): follow it.
  watch(() => route.query, () => {
    const f = fromQuery()
    if (JSON.stringify(f) !== JSON.stringify(filter.value)) filter.value = f
  })

  return filter
}

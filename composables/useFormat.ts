/** Values and times the way operators read them, in the current language. */
export function useFormat() {
  const { t, locale } = useI18n()

  function value(v: unknown, unit?: string | null): string {
    if (v === null || v === undefined) return '—'
    if (typeof v === 'boolean') return v ? t('widget.on') : t('widget.off')
    const text = typeof v === 'number'
      ? new Intl.NumberFormat(locale.value, { maximumFractionDigits: Math.abs(v) >= 100 ? 1 : 2 }).format(v)
      : String(v)
    return unit ? `${text} ${unit}` : text
  }

  function ago(ts: number | null | undefined, now: number): string {
    if (!ts) return t('gateway.never')
    const s = Math.max(0, Math.round((now - ts) / 1000))
    if (s < 60) return t('time.secondsAgo', { n: s })
    if (s < 3600) return t('time.minutesAgo', { n: Math.floor(s / 60) })
    if (s < 86_400) return t('time.hoursAgo', { n: Math.floor(s / 3600) })
    return t('time.daysAgo', { n: Math.floor(s / 86_400) })
  }

  const time = (ts: number) => new Date(ts).toLocaleTimeString(locale.value)
  const dateTime = (ts: number) => new Date(ts).toLocaleString(locale.value)

  return { value, ago, time, dateTime }
}

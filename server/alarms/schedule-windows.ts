/** A window of one weekday, `HH:MM` to `HH:MM` (end exclusive; `24:00` is midnight at the end). */
export interface Window { start: string, end: string }

/** Weekday (0 = Sunday … 6 = Saturday, as a string key) → its windows, in order. */
export type WeekWindows = Record<string, Window[]>

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5))

/** One bin's share of time running, from the per-minute aggregates. */
export interface BinShare { dow: number, bin: number, share: number }

/**
 * The operating windows a machine's history suggests (seed 003 rule 3): per weekday, the bins whose
 * share of time running reaches `threshold`, adjacent bins merged into one window.
 */
export function windowsFromShares(shares: BinShare[], binMinutes: number, threshold: number): WeekWindows {
  const out: WeekWindows = {}
  for (let dow = 0; dow < 7; dow++) {
    const on = shares.filter(s => s.dow === dow && s.share >= threshold).map(s => s.bin).sort((a, b) => a - b)
    const windows: Window[] = []
    for (const bin of on) {
      const start = bin * binMinutes
      const last = windows[windows.length - 1]
      if (last && minutesOf(last.end) === start) last.end = hhmm(start + binMinutes)
      else windows.push({ start: hhmm(start), end: hhmm(start + binMinutes) })
    }
    if (windows.length) out[String(dow)] = windows
  }
  return out
}

const formatters = new Map<string, Intl.DateTimeFormat>()
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 }

/** Weekday and minute of the day of an instant in a time zone. */
export function localTime(ts: number, timeZone: string): { dow: number, minute: number } {
  let f = formatters.get(timeZone)
  if (!f) formatters.set(timeZone, f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }))
  const parts = Object.fromEntries(f.formatToParts(ts).map(p => [p.type, p.value]))
  return { dow: WEEKDAYS[parts.weekday!]!, minute: Number(parts.hour) * 60 + Number(parts.minute) }
}

/** True when the instant falls inside one of the schedule's windows. */
export function insideSchedule(ts: number, windows: WeekWindows, timeZone: string): boolean {
  const { dow, minute } = localTime(ts, timeZone)
  return (windows[String(dow)] ?? []).some(w => minute >= minutesOf(w.start) && minute < minutesOf(w.end))
}

/** Whether a time zone name is one this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

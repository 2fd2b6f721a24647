import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** utime + stime of a process, in ticks; undefined once it has gone. */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name is in parentheses and may contain spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return undefined
  }
}

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : undefined
  } catch {
    return undefined
  }
}

/** Every process whose command name is `name` (e.g. all PostgreSQL backends and helpers). */
export function pidsByName(name: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry))
    } catch {
      // Gone between readdir and read.
    }
  }
  return pids
}

/** Busy and total ticks of the whole machine, from the first line of /proc/stat. */
function machineTicks(): { busy: number, total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const total = fields.reduce((a, b) => a + b, 0)
  // idle + iowait are the not-busy columns.
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total }
}

export interface ProcessSample {
  at: number
  /** Per group: CPU % of one core over the last interval, and RSS (sum over the group's processes). */
  groups: Record<string, { cpu: number, rssMb: number }>
  /** The whole machine's busy share, 0–100 % of all cores. */
  machineCpu: number
}

/**
 * Samples CPU and RSS of named groups of processes. CPU is computed per process over the interval
 * and summed, so backends that come and go (PostgreSQL) are counted only while they exist.
 */
export class ProcessSampler {
  readonly samples: ProcessSample[] = []
  readonly peakRssMb: Record<string, number> = {}
  private last = new Map<string, Map<number, number>>()
  private lastAt = 0
  private lastMachine = machineTicks()
  private timer: NodeJS.Timeout | null = null

  constructor(private groups: Record<string, () => number[]>) {}

  start(intervalMs = 1000): void {
    this.sample()
    this.timer = setInterval(() => this.sample(), intervalMs)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  sample(): void {
    const at = Date.now()
    const seconds = (at - this.lastAt) / 1000
    const groups: ProcessSample['groups'] = {}
    for (const [name, pids] of Object.entries(this.groups)) {
      const previous = this.last.get(name) ?? new Map<number, number>()
      const current = new Map<number, number>()
      let ticks = 0
      let rss = 0
      for (const pid of pids()) {
        const t = cpuTicks(pid)
        if (t === undefined) continue
        current.set(pid, t)
        const before = previous.get(pid)
        if (before !== undefined) ticks += t - before
        rss += rssMb(pid) ?? 0
      }
      this.last.set(name, current)
      groups[name] = { cpu: this.lastAt ? (ticks / CLK_TCK / seconds) * 100 : 0, rssMb: rss }
      this.peakRssMb[name] = Math.max(this.peakRssMb[name] ?? 0, rss)
    }
    const m = machineTicks()
    const machineCpu = m.total > this.lastMachine.total ? ((m.busy - this.lastMachine.busy) / (m.total - this.lastMachine.total)) * 100 : 0
    this.lastMachine = m
    if (this.lastAt) this.samples.push({ at, groups, machineCpu })
    this.lastAt = at
  }

  /** Mean CPU % per group (and of the machine) over samples taken in [from, to]. */
  meanCpu(from: number, to: number): { groups: Record<string, number>, machine: number } {
    const inWindow = this.samples.filter(s => s.at > from && s.at <= to)
    const mean = (f: (s: ProcessSample) => number) => inWindow.length ? inWindow.reduce((a, s) => a + f(s), 0) / inWindow.length : 0
    const groups: Record<string, number> = {}
    for (const name of Object.keys(this.groups)) groups[name] = mean(s => s.groups[name]?.cpu ?? 0)
    return { groups, machine: mean(s => s.machineCpu) }
  }
}

/** Realistic-looking PLC signals: a slow daily cycle, a drift, noise, and plausible ranges per kind. */

export interface MetricSpec {
  name: string
  kind: 'analog' | 'bool' | 'mode' | 'counter'
  unit?: string
  base: number
  amplitude: number
  noise: number
}

const CATALOGUE: MetricSpec[] = [
  { name: 'temp_head', kind: 'analog', unit: 'celsius', base: 80, amplitude: 6, noise: 0.4 },
  { name: 'pressure', kind: 'analog', unit: 'bar', base: 4.2, amplitude: 0.5, noise: 0.05 },
  { name: 'running', kind: 'bool', base: 0, amplitude: 0, noise: 0 },
  { name: 'mode', kind: 'mode', base: 0, amplitude: 0, noise: 0 },
  { name: 'speed', kind: 'analog', unit: 'rpm', base: 1450, amplitude: 60, noise: 8 },
  { name: 'power', kind: 'analog', unit: 'kW', base: 37, amplitude: 5, noise: 0.8 },
  { name: 'vibration', kind: 'analog', unit: 'mm/s', base: 2.1, amplitude: 0.6, noise: 0.15 },
  { name: 'flow', kind: 'analog', unit: 'm3/h', base: 120, amplitude: 15, noise: 2 },
  { name: 'level', kind: 'analog', unit: '%', base: 55, amplitude: 20, noise: 0.5 },
  { name: 'parts_count', kind: 'counter', unit: 'parts', base: 0, amplitude: 0, noise: 0 }
]

/** The first `count` metrics of the catalogue, then numbered analog ones. */
export function metricSpecs(count: number): MetricSpec[] {
  return Array.from({ length: count }, (_, i) => CATALOGUE[i] ?? { name: `analog_${i + 1}`, kind: 'analog', unit: 'V', base: 10, amplitude: 2, noise: 0.1 })
}

const DAY_MS = 86_400_000

/** One machine's signal state; `sample` advances it to time `t` (epoch ms). */
export class MachineSignals {
  private drift = 0
  private count = 0
  private running = true

  constructor(private specs: MetricSpec[], private phase: number, private random: () => number = Math.random) {}

  sample(t: number): Record<string, number | boolean | string> {
    this.drift = Math.max(-1, Math.min(1, this.drift + (this.random() - 0.5) * 0.02))
    // A machine stops now and then, and starts again.
    if (this.random() < 0.002) this.running = !this.running
    if (this.running) this.count += 1
    const cycle = Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS + this.phase)
    const out: Record<string, number | boolean | string> = {}
    for (const s of this.specs) {
      switch (s.kind) {
        case 'bool': out[s.name] = this.running
          break
        case 'mode': out[s.name] = this.running ? 'auto' : 'stopped'
          break
        case 'counter': out[s.name] = this.count
          break
        default: {
          const gauss = (this.random() + this.random() + this.random() - 1.5) * 2
          const value = s.base + s.amplitude * (cycle + this.drift) + s.noise * gauss
          out[s.name] = Math.round((this.running ? value : s.base * 0.1) * 1000) / 1000
        }
      }
    }
    return out
  }
}

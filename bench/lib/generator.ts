import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { GeneratorReport } from '../load-generator'

const ROOT = resolve(import.meta.dirname, '../..')
const SCRIPT = resolve(ROOT, 'bench/load-generator.ts')

export interface GeneratorOptions {
  url: string
  protocol: 4 | 5
  seconds: number
  connections: number
  window: number
  machines: number
  aRatio: number
  /** Total msg/s; 0 = as fast as the broker acknowledges. */
  rate: number
}

export interface GeneratorProgress {
  at: number
  published: { b: number, a: number, total: number }
  acked: { b: number, a: number, total: number }
  failed: number
}

export interface RunningGenerator {
  pid: number
  startedAt: Promise<number>
  progress: GeneratorProgress[]
  report: Promise<GeneratorReport>
  kill(): Promise<void>
}

/**
 * Runs bench/load-generator.ts as a child process (node --import tsx, so its pid is node itself and
 * its CPU can be sampled) and reads its JSON lines.
 */
export function spawnGenerator(o: GeneratorOptions): RunningGenerator {
  const args = [
    '--import', 'tsx', SCRIPT, '--url', o.url, '--protocol', String(o.protocol), '--seconds', String(o.seconds),
    '--connections', String(o.connections), '--window', String(o.window), '--machines', String(o.machines),
    '--a-ratio', String(o.aRatio), '--rate', String(o.rate)
  ]
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  const stderr: string[] = []
  child.stderr!.on('data', (d) => {
    stderr.push(String(d))
    process.stderr.write(`  [generator] ${String(d)}`)
  })
  const progress: GeneratorProgress[] = []
  let onReady: (at: number) => void = () => {}
  const startedAt = new Promise<number>(r => (onReady = r))
  let report: GeneratorReport | undefined
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as { type: string } & Record<string, unknown>
    if (msg.type === 'ready') onReady(msg.startedAt as number)
    else if (msg.type === 'progress') progress.push(msg as unknown as GeneratorProgress)
    else if (msg.type === 'report') report = msg as unknown as GeneratorReport
  })
  const exited = new Promise<number | null>(r => child.once('exit', code => r(code)))
  const reportPromise = exited.then((code) => {
    if (!report) throw new Error(`load generator exited with ${code} and no report:\n${stderr.join('').slice(-2000)}`)
    return report
  })
  reportPromise.catch(() => {})
  return {
    pid: child.pid!,
    startedAt: Promise.race([startedAt, exited.then(code => Promise.reject(new Error(`load generator exited with ${code} before starting:\n${stderr.join('')}`)))]),
    progress,
    report: reportPromise,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGKILL')
      await exited
    }
  }
}

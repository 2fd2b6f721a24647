import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, hitCount?: number }
interface CpuProfile { nodes: ProfileNode[], samples: number[], timeDeltas: number[] }

export interface ProfileSummary {
  file: string
  totalMs: number
  /** Self time by function, busiest first (idle excluded from the shares). */
  functions: { name: string, ms: number, percent: number }[]
  /** Self time by where the code lives: a package, the app's bundle, node internals, GC. */
  places: { place: string, ms: number, percent: number }[]
}

/** Where a frame's code lives, coarse enough to read: `postgres`, `zod`, `app`, `node:internal`, `(gc)`… */
function place(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]!
  if (url.startsWith('node:')) return 'node:internal'
  // In the server the only large WebAssembly module is PGlite's PostgreSQL.
  if (url.startsWith('wasm://')) return 'wasm (PGlite)'
  if (url.includes('.output/server/chunks')) return 'app (server bundle)'
  return url.replace(/^file:\/\//, '')
}

/** Self time per function and per place, from a V8 .cpuprofile written by `node --cpu-prof`. */
export function summariseProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const selfMs = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  }
  const functions = new Map<string, number>()
  const places = new Map<string, number>()
  let busy = 0
  for (const [id, t] of selfMs) {
    const cf = byId.get(id)!.callFrame
    if (cf.functionName === '(idle)') continue
    busy += t
    const name = `${cf.functionName || '(anonymous)'} ${place(cf.url, cf.functionName)}:${cf.lineNumber + 1}`
    functions.set(name, (functions.get(name) ?? 0) + t)
    const p = place(cf.url, cf.functionName)
    places.set(p, (places.get(p) ?? 0) + t)
  }
  const rank = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
  return {
    file,
    totalMs: busy,
    functions: rank(functions).map(([name, t]) => ({ name, ms: Math.round(t), percent: Math.round((t / busy) * 1000) / 10 })),
    places: rank(places).map(([p, t]) => ({ place: p, ms: Math.round(t), percent: Math.round((t / busy) * 1000) / 10 }))
  }
}

/** The profiles node wrote into a directory (one per process). */
export function profilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter(f => f.endsWith('.cpuprofile')).map(f => join(dir, f))
  } catch {
    return []
  }
}

export function formatProfile(p: ProfileSummary): string {
  return [
    `  CPU profile ${p.file} (${Math.round(p.totalMs)} ms busy)`,
    '  by place:',
    ...p.places.map(x => `    ${x.percent.toFixed(1).padStart(5)} %  ${x.place}`),
    '  by function (self time):',
    ...p.functions.map(x => `    ${x.percent.toFixed(1).padStart(5)} %  ${x.name}`)
  ].join('\n')
}

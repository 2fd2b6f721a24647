import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { existsSync } from 'node:fs'

const ROOT = resolve(import.meta.dirname, '../..')
const ENTRY = resolve(ROOT, '.output/server/index.mjs')

export interface RunningServer {
  url: string
  port: number
  process: ChildProcess
  logs: string[]
  /** SIGTERM, then wait for exit. */
  stop(): Promise<number | null>
  /** SIGKILL, then wait for exit. */
  kill(): Promise<void>
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolvePort(port))
    })
  })
}

// Production mode (the default here) refuses the Auth emulator: a project id is enough to start
// (tokens then need Google's keys). Tests that sign users in pass emulatorServerEnv().
function modeDefaults(env: Record<string, string>): Record<string, string> {
  const production = (env.NODE_ENV ?? 'production') === 'production'
  return production ? { NODE_ENV: 'production', FIREBASE_PROJECT_ID: 'demo-plant-telemetry' } : {}
}

/**
 * Starts the built server (`npm run build` first) as a child process with the given environment and
 * waits until /health says ok. Browser and WebSocket tests run against this, not `nuxi dev`.
 */
export async function startServer(env: Record<string, string>, timeoutMs = 60_000): Promise<RunningServer> {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build\` first`)
  const port = await freePort()
  // An in-process test platform sets the emulator variable on this process; a server gets it only when asked.
  const { FIREBASE_AUTH_EMULATOR_HOST: _inheritedEmulator, ...inherited } = process.env
  const child = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    env: { ...inherited, ...modeDefaults(env), LOG_LEVEL: 'info', SIMULATOR: '0', DEMO_DATA: '0', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const logs: string[] = []
  child.stdout!.on('data', d => logs.push(String(d)))
  child.stderr!.on('data', d => logs.push(String(d)))
  const exited = new Promise<number | null>(r => child.once('exit', code => r(code)))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${logs.join('')}`)
    const ok = await fetch(`${url}/health`).then(r => r.ok, () => false)
    if (ok) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server not healthy after ${timeoutMs} ms:\n${logs.join('').slice(-4000)}`)
    }
    await new Promise(r => setTimeout(r, 200))
  }
  return {
    url, port, process: child, logs,
    stop: async () => {
      child.kill('SIGTERM')
      return exited
    },
    kill: async () => {
      child.kill('SIGKILL')
      await exited
    }
  }
}

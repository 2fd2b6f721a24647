import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import type { Logger } from 'pino'
import { preferredOrFreePort } from '../net/ports'

export interface AuthEmulator {
  /** `host:port`, the form FIREBASE_AUTH_EMULATOR_HOST takes. */
  host: string
  url: string
  fallbackFrom?: number
  stop(): Promise<void>
}

const HOST = '127.0.0.1'
const READY_TIMEOUT_MS = 90_000

// firebase-tools is a development dependency: it is there after `npm ci`, not in a production image.
function firebaseCli(): string {
  try {
    return createRequire(resolve('package.json')).resolve('firebase-tools/lib/bin/firebase.js')
  } catch {
    throw new Error('firebase-tools is not installed: run `npm ci`, or set FIREBASE_PROJECT_ID (a real project) or FIREBASE_AUTH_EMULATOR_HOST')
  }
}

/**
 * The child exits when the platform's process does, even after a kill -9 that runs no close hook:
 * a guard process polls its parent and takes the emulator down with it.
 */
const GUARD = `
const { spawn } = require('node:child_process')
const [cli, ...args] = process.argv.slice(1)
const parent = process.ppid
const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit' })
const stop = () => { child.kill('SIGTERM'); setTimeout(() => process.exit(0), 3000).unref() }
process.on('SIGTERM', stop)
child.on('exit', code => process.exit(code ?? 0))
setInterval(() => { try { process.kill(parent, 0) } catch { stop() } }, 1000)
`

/**
 * Starts the Firebase Auth emulator for the zero-config start (STACK-NOTES 14): offline, UI off, on
 * `port` or — when that is taken — a free one, with state kept nowhere (demo users are re-created at
 * every start).
 */
export async function startAuthEmulator(o: { projectId: string, port: number, dataDir: string, logger: Logger }): Promise<AuthEmulator> {
  const cli = firebaseCli()
  const auth = await preferredOrFreePort(HOST, o.port)
  if (auth.fallbackFrom !== undefined) o.logger.warn({ port: auth.fallbackFrom, using: auth.port }, `auth emulator: port ${auth.fallbackFrom} is taken, using ${auth.port} instead`)
  const hub = await preferredOrFreePort(HOST, 0)
  const logging = await preferredOrFreePort(HOST, 0)
  const dir = resolve(o.dataDir, 'auth-emulator')
  mkdirSync(dir, { recursive: true })
  const configPath = join(dir, 'firebase.json')
  writeFileSync(configPath, JSON.stringify({
    emulators: { auth: { host: HOST, port: auth.port }, hub: { host: HOST, port: hub.port }, logging: { host: HOST, port: logging.port }, ui: { enabled: false } }
  }, null, 2))
  const child = spawn(process.execPath, ['-e', GUARD, cli, 'emulators:start', '--only', 'auth', '--project', o.projectId, '--config', configPath], {
    cwd: dir,
    env: { ...process.env, CI: '1', NO_UPDATE_NOTIFIER: '1', FIREBASE_AUTH_EMULATOR_HOST: '' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const output: string[] = []
  const keep = (d: Buffer) => output.push(String(d))
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const exited = new Promise<void>(r => child.once('exit', () => r()))
  const url = `http://${HOST}:${auth.port}`
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await Promise.race([exited, new Promise(r => setTimeout(r, 5000))])
    if (child.exitCode === null) child.kill('SIGKILL')
  }
  try {
    await waitUntilReady(url, () => child.exitCode !== null)
  } catch (err) {
    await stop()
    throw new Error(`${(err as Error).message}\n${output.join('').slice(-2000)}`, { cause: err })
  }
  child.stdout!.off('data', keep)
  child.stderr!.off('data', keep)
  child.stdout!.resume()
  child.stderr!.resume()
  return { host: `${HOST}:${auth.port}`, url, fallbackFrom: auth.fallbackFrom, stop }
}

async function waitUntilReady(url: string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (exited()) throw new Error('auth emulator exited during start-up')
    const ready = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(r => r.ok, () => false)
    if (ready) return
    await new Promise(r => setTimeout(r, 250))
  }
  throw new Error(`auth emulator not ready after ${READY_TIMEOUT_MS / 1000} s`)
}

import { spawn, type ChildProcess } from 'node:child_process'
import { connect } from 'node:net'

export interface PrivateRedis {
  url: string
  stop(): Promise<void>
  start(): Promise<void>
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

export async function waitForPort(port: number, what: string, child?: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await canConnect(port))) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`)
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms`)
    await new Promise(r => setTimeout(r, 50))
  }
}

/** A Redis of the fault run's own (no persistence): stopping it never touches the shared one on 6379. */
export async function startPrivateRedis(port: number): Promise<PrivateRedis> {
  let child: ChildProcess | undefined
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null
  // Idempotent: a second server would fail to bind, and the first would be forgotten (and leak).
  const start = async () => {
    if (running()) return
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' })
    await waitForPort(port, 'redis-server', child)
  }
  const stop = async () => {
    const c = child
    if (!c || c.exitCode !== null || c.signalCode !== null) return
    const exited = new Promise(r => c.once('exit', r))
    c.kill('SIGTERM')
    await exited
  }
  await start()
  return { url: `redis://127.0.0.1:${port}`, stop, start }
}

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Mosquitto {
  url: string
  port: number
  process: ChildProcess
  /** Warnings and errors the broker logged, e.g. "Outgoing messages are being dropped". */
  log: string[]
  stop(): Promise<void>
  /**
   * SIGTERM, then start again on the same port and config. With `persistent`, sessions and their
   * queued QoS 1 messages survive (Mosquitto saves them on shutdown and loads them at start).
   */
  restart(): Promise<void>
}

export interface MosquittoOptions {
  port: number
  /**
   * Unacknowledged QoS 1 deliveries per client. Mosquitto's default is 20, which caps an
   * ack-after-commit subscriber at 20 messages per commit; 0 means no limit, so the subscriber's
   * MQTT 5 Receive Maximum (INGEST_MAX_INFLIGHT) is the only cap.
   */
  maxInflight: number
  /** Messages queued per client beyond the in-flight ones; past it QoS 1 messages are dropped. */
  maxQueued: number
  /** Keep sessions and queued messages across a restart (persistence in the broker's temp dir). */
  persistent?: boolean
}

function config(o: MosquittoOptions, dir: string): string {
  return [
    `listener ${o.port} 127.0.0.1`,
    'allow_anonymous true',
    ...(o.persistent ? ['persistence true', `persistence_location ${dir}/`] : ['persistence false']),
    `max_inflight_messages ${o.maxInflight}`,
    `max_queued_messages ${o.maxQueued}`,
    'max_queued_bytes 0',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    ''
  ].join('\n')
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Starts a private Mosquitto on loopback with a config of our own; waits until it accepts connections. */
export async function startMosquitto(o: MosquittoOptions): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'pt-bench-mosquitto-'))
  const file = join(dir, 'mosquitto.conf')
  writeFileSync(file, config(o, dir))
  // Started as root, Mosquitto drops to the mosquitto user: its persistence file must be writable by
  // it, or every save fails ("Permission denied") and a restart silently loses all sessions and queues.
  if (o.persistent && process.getuid?.() === 0) chownToMosquitto(dir)
  const log: string[] = []
  let child: ChildProcess
  try {
    child = await spawnBroker(file, o.port, log)
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
  const stopProcess = async () => {
    const c = child
    if (c.exitCode !== null || c.signalCode !== null) return
    const exited = new Promise<void>(resolve => c.once('exit', () => resolve()))
    c.kill('SIGTERM')
    await Promise.race([exited, new Promise(r => setTimeout(r, 3000))])
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL')
      await exited
    }
  }
  const broker: Mosquitto = {
    url: `mqtt://127.0.0.1:${o.port}`,
    port: o.port,
    process: child,
    log,
    stop: async () => {
      await stopProcess()
      rmSync(dir, { recursive: true, force: true })
    },
    restart: async () => {
      await stopProcess()
      child = await spawnBroker(file, o.port, log)
      broker.process = child
    }
  }
  return broker
}

async function spawnBroker(file: string, port: number, log: string[]): Promise<ChildProcess> {
  const child = spawn('mosquitto', ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] })
  child.stderr!.on('data', (d) => {
    if (log.length < 1000) log.push(String(d))
  })
  const deadline = Date.now() + 10_000
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`mosquitto did not start on port ${port}: ${log.join('')}`)
    }
    await new Promise(r => setTimeout(r, 50))
  }
  return child
}

function chownToMosquitto(dir: string): void {
  const [uid, gid] = execFileSync('sh', ['-c', 'id -u mosquitto; id -g mosquitto'], { encoding: 'utf8' }).trim().split('\n').map(Number)
  chownSync(dir, uid!, gid!)
}

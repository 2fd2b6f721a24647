import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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
}

function config(o: MosquittoOptions): string {
  return [
    `listener ${o.port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
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
  writeFileSync(file, config(o))
  const child = spawn('mosquitto', ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] })
  const log: string[] = []
  child.stderr!.on('data', (d) => {
    if (log.length < 1000) log.push(String(d))
  })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise(r => setTimeout(r, 3000))])
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 10_000
  while (!(await canConnect(o.port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`mosquitto did not start on port ${o.port}: ${log.join('')}`)
    }
    await new Promise(r => setTimeout(r, 50))
  }
  return { url: `mqtt://127.0.0.1:${o.port}`, port: o.port, process: child, log, stop }
}

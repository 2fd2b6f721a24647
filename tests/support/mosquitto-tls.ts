import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/** The ACL compose.yaml's Mosquitto uses: the tests run the same one. */
export const DEPLOY_ACL = resolve(import.meta.dirname, '../../deploy/mosquitto/acl')

export interface TlsMosquitto {
  url: string
  port: number
  log: string[]
  stop(): Promise<void>
}

export interface TlsMosquittoOptions {
  port: number
  caPath: string
  certPath: string
  keyPath: string
  aclPath?: string
}

function config(o: TlsMosquittoOptions): string {
  return [
    'per_listener_settings false',
    'allow_anonymous false',
    `listener ${o.port} 127.0.0.1`,
    `cafile ${o.caPath}`,
    `certfile ${o.certPath}`,
    `keyfile ${o.keyPath}`,
    'require_certificate true',
    'use_identity_as_username true',
    ...(o.aclPath ? [`acl_file ${o.aclPath}`] : []),
    'persistence false',
    'max_inflight_messages 0',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    ''
  ].join('\n')
}

const canConnect = (port: number) => new Promise<boolean>((done) => {
  const socket = connect(port, '127.0.0.1')
  socket.once('connect', () => {
    socket.destroy()
    done(true)
  })
  socket.once('error', () => done(false))
})

/**
 * A private Mosquitto with one TLS listener that requires a client certificate from the given CA
 * (never the machine's broker on 1883). Mosquitto started as root drops to the `mosquitto` user,
 * so the files it reads are copied into a directory that user can read.
 */
export async function startTlsMosquitto(o: TlsMosquittoOptions): Promise<TlsMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'pt-mosquitto-tls-'))
  chmodSync(dir, 0o755)
  const copy = (from: string, name: string) => {
    const to = join(dir, name)
    writeFileSync(to, readFileSync(from))
    chmodSync(to, 0o644)
    return to
  }
  const files = { caPath: copy(o.caPath, 'ca.crt'), certPath: copy(o.certPath, 'server.crt'), keyPath: copy(o.keyPath, 'server.key'), aclPath: o.aclPath && copy(o.aclPath, 'acl') }
  const file = join(dir, 'mosquitto.conf')
  writeFileSync(file, config({ ...o, ...files }))
  const child = spawn('mosquitto', ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] })
  const log: string[] = []
  child.stderr!.on('data', d => log.length < 2000 && log.push(String(d)))
  const exited = new Promise<void>(r => child.once('exit', () => r()))
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
      throw new Error(`mosquitto (TLS) did not start on port ${o.port}: ${log.join('')}`)
    }
    await new Promise(r => setTimeout(r, 50))
  }
  return { url: `mqtts://127.0.0.1:${o.port}`, port: o.port, log, stop }
}

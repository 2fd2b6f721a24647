import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENV_KEYS, loadConfig } from '../../server/config/env'
import { freePort } from '../support/server'
import { createTestDataDir, waitFor } from '../support/services'

// The deployment files, checked by reading them against the code (no Docker engine here): compose's
// app environment is a valid configuration, the files it mounts exist where the cert script puts
// them, Prometheus scrapes what the app serves; and the built server runs with the image's own ENV
// and layout, and passes the image's HEALTHCHECK.

const ROOT = resolve(import.meta.dirname, '../..')
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8')
const run = promisify(execFile)

interface Service { environment?: Record<string, string>, volumes?: string[], depends_on?: Record<string, unknown>, profiles?: string[] }
const compose = parseYaml(read('compose.yaml'), { merge: true }) as { services: Record<string, Service> }
const APPS = ['app-1', 'app-2']
// Debian's prometheus package (installed by .ci/run).
const PROMETHEUS = '/usr/bin/prometheus'
const PROMTOOL = '/usr/bin/promtool'
// Read by firebase-admin itself, not by server/config/env.ts.
const LIBRARY_KEYS = ['GOOGLE_APPLICATION_CREDENTIALS']

/** What compose makes of `${VAR:-default}` and `${VAR:?error}` with .env filled in as given. */
function interpolate(value: string, env: Record<string, string>): string {
  return String(value).replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    if (env[name]) return env[name]
    if (op === '?') throw new Error(`compose would refuse to start: ${arg}`)
    return op === '-' ? arg ?? '' : ''
  })
}

/** The Dockerfile's runtime ENV (the last stage's `ENV a=b c=d` line). */
function imageEnv(): Record<string, string> {
  const lines = read('Dockerfile').split('\n').filter(l => l.startsWith('ENV '))
  return Object.fromEntries(lines.at(-1)!.slice(4).trim().split(/\s+/).map(kv => kv.split('=') as [string, string]))
}

describe('compose.yaml', () => {
  it('has two app instances, PostgreSQL, Redis, Mosquitto and the proxy', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining([...APPS, 'postgres', 'redis', 'mosquitto', 'proxy']))
  })

  it('gives the apps only variables the platform reads, and a configuration it accepts', () => {
    const dotenv = { POSTGRES_PASSWORD: 'pw', FIREBASE_PROJECT_ID: 'prod-project' }
    const ids = new Set<string>()
    for (const name of APPS) {
      const env = compose.services[name]!.environment!
      expect(Object.keys(env).filter(k => !ENV_KEYS.includes(k) && !LIBRARY_KEYS.includes(k)), name).toEqual([])
      const config = loadConfig({ ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(v, dotenv)])), ...imageEnv() })
      expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://telemetry:pw@postgres:5432/telemetry' })
      expect(config.mqtt.external).toMatchObject({ url: 'mqtts://mosquitto:8883', cert: '/certs/ingest/certificate.pem.crt' })
      expect(config.mqtt.sharedGroup).toBe('ingest')
      expect(config.cold.store).toEqual({ kind: 'dir', path: '/cold' })
      expect(config.auth.mode).toBe('firebase')
      ids.add(config.mqtt.clientId)
    }
    // Two instances with one client id would take each other's persistent session over and over.
    expect(ids.size).toBe(APPS.length)
    expect(() => interpolate(compose.services['app-1']!.environment!.DATABASE_URL!, {})).toThrow(/POSTGRES_PASSWORD/)
  })

  it('mounts files that exist, and certificates where scripts/certs.ts writes them', async () => {
    const certs = createTestDataDir()
    let checked = 0
    try {
      await run(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/certs.ts', '--dir', certs.dir, '--server-host', 'mosquitto,localhost', '--client', 'ingest'], { cwd: ROOT })
      for (const [name, service] of Object.entries(compose.services)) {
        for (const volume of service.volumes ?? []) {
          const [host, container] = volume.split(':') as [string, string]
          if (!host.startsWith('./')) continue
          const local = host.startsWith('./certs') ? join(certs.dir, host.slice('./certs'.length)) : join(ROOT, host)
          expect(existsSync(local), `${name}: ${volume}`).toBe(true)
          // Every path the service's configuration names under this mount is a file the script made.
          const named = name === 'mosquitto' ? read('deploy/mosquitto/mosquitto.conf') : Object.values(service.environment ?? {}).join('\n')
          for (const path of named.match(new RegExp(`${container}/[\\w./-]+`, 'g')) ?? []) {
            expect(existsSync(join(local, path.slice(container.length))), `${name}: ${path}`).toBe(true)
            checked++
          }
        }
      }
      // The broker's CA, certificate and key, and the ingest's three files in both app services.
      expect(checked).toBe(3 + 3 * APPS.length)
    } finally {
      certs.remove()
    }
  })

  it('the proxy balances over the app instances; Prometheus scrapes each of them', () => {
    const caddy = read('deploy/Caddyfile')
    expect(/reverse_proxy ([^{]+)\{/.exec(caddy)![1]!.trim().split(/\s+/)).toEqual(APPS.map(a => `${a}:3000`))
    const prometheus = parseYaml(read('deploy/prometheus.yml')) as { scrape_configs: { static_configs: { targets: string[] }[] }[] }
    expect(prometheus.scrape_configs[0]!.static_configs[0]!.targets).toEqual(APPS.map(a => `${a}:3000`))
  })
})

describe('the built server with the image\'s environment and layout', () => {
  const work = createTestDataDir()
  let child: ChildProcess
  let port: number
  const logs: string[] = []

  beforeAll(async () => {
    // /app/.output and /app/drizzle, as the runtime stage copies them; /data for DATA_DIR.
    const app = join(work.dir, 'app')
    mkdirSync(app)
    symlinkSync(join(ROOT, '.output'), join(app, '.output'))
    symlinkSync(join(ROOT, 'drizzle'), join(app, 'drizzle'))
    port = await freePort()
    const env = imageEnv()
    const { FIREBASE_AUTH_EMULATOR_HOST: _emulator, ...inherited } = process.env
    child = spawn(process.execPath, ['.output/server/index.mjs'], {
      cwd: app,
      env: {
        ...inherited, ...env,
        MIGRATIONS_DIR: env.MIGRATIONS_DIR!.replace('/app', app), DATA_DIR: join(work.dir, 'data'),
        PORT: String(port), HOST: '127.0.0.1', FIREBASE_PROJECT_ID: 'demo-plant-telemetry',
        MQTT_EMBEDDED_PORT: '0', SIMULATOR: '1', SIMULATOR_RATE: '5', LOG_LEVEL: 'info'
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    child.stdout!.on('data', d => logs.push(String(d)))
    child.stderr!.on('data', d => logs.push(String(d)))
  })
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise(r => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
    work.remove()
  })

  it('passes the Dockerfile\'s HEALTHCHECK', async () => {
    const check = /HEALTHCHECK[\s\S]*?CMD node -e "(.+)"/.exec(read('Dockerfile'))![1]!.replace('127.0.0.1:3000', `127.0.0.1:${port}`)
    const deadline = Date.now() + 60_000
    for (;;) {
      const ok = await run(process.execPath, ['-e', check]).then(() => true, () => false)
      if (ok) break
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`not healthy:\n${logs.join('').slice(-3000)}`)
      await new Promise(r => setTimeout(r, 500))
    }
    // The database went where DATA_DIR says, migrated from the image's MIGRATIONS_DIR layout.
    expect(logs.join('')).toContain(join(work.dir, 'data'))
  }, 90_000)

  it('serves /metrics in the Prometheus text format at the URL deploy/prometheus.yml scrapes', async () => {
    const job = (parseYaml(read('deploy/prometheus.yml')) as { scrape_configs: { metrics_path: string, params: Record<string, string[]> }[] }).scrape_configs[0]!
    const url = `http://127.0.0.1:${port}${job.metrics_path}?${new URLSearchParams(Object.entries(job.params).map(([k, [v]]) => [k, v!]))}`
    // Wait for the simulator's first messages, so the counters have something to count.
    let text = ''
    for (let i = 0; i < 40; i++) {
      const res = await fetch(url)
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      text = await res.text()
      if (/^mqtt_messages_processed_total [1-9]/m.test(text)) break
      await new Promise(r => setTimeout(r, 250))
    }
    const families = new Map(parsePrometheusTextFormat(text).map(f => [f.name, f]))
    expect(families.get('mqtt_messages_processed_total')).toMatchObject({ type: 'COUNTER' })
    expect(Number(families.get('mqtt_messages_processed_total')!.metrics[0]!.value)).toBeGreaterThan(0)
    expect(families.get('mqtt_connected')!.metrics[0]!.value).toBe('1')
    expect(families.get('ingest_tenant_messages_per_second')!.metrics.map(m => m.labels?.tenant)).toContain('granix')
    expect(families.get('gateways_offline')).toMatchObject({ type: 'GAUGE' })
    expect(families.get('mqtt_sessions_adopted_total')).toMatchObject({ type: 'COUNTER' })
    expect(families.get('mqtt_sessions_adopting')!.metrics[0]!.value).toBe('0')
  }, 30_000)

  it('is scraped by a real Prometheus with deploy/prometheus.yml', async () => {
    // promtool checks the file as shipped; the run points its job at this server and scrapes each second.
    await run(PROMTOOL, ['check', 'config', join(ROOT, 'deploy/prometheus.yml')])
    const config = parseYaml(read('deploy/prometheus.yml')) as { global: Record<string, string>, scrape_configs: { job_name: string, static_configs: { targets: string[] }[] }[] }
    config.global = { ...config.global, scrape_interval: '1s', scrape_timeout: '1s' }
    config.scrape_configs[0]!.static_configs[0]!.targets = [`127.0.0.1:${port}`]
    writeFileSync(join(work.dir, 'prometheus.yml'), stringifyYaml(config))
    const promPort = await freePort()
    const prometheus = spawn(PROMETHEUS, [
      `--config.file=${join(work.dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work.dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`
    ], { stdio: 'ignore' })
    const query = async (q: string) => {
      const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`).catch(() => null)
      const body = res?.ok ? await res.json() as { data: { result: { metric: Record<string, string>, value: [number, string] }[] } } : null
      return body?.data.result ?? []
    }
    try {
      const job = config.scrape_configs[0]!.job_name
      const up = await waitFor(async () => (await query(`up{job="${job}"} == 1`))[0], 30_000, 'Prometheus scraped the target')
      expect(up.metric).toMatchObject({ job, deployment: 'compose' })
      const processed = await waitFor(async () => (await query(`mqtt_messages_processed_total{job="${job}"} > 0`))[0], 30_000, 'a platform counter in Prometheus')
      expect(Number(processed.value[1])).toBeGreaterThan(0)
    } finally {
      const exited = new Promise(r => prometheus.once('exit', r))
      prometheus.kill('SIGTERM')
      await exited
    }
  }, 90_000)
})

import { execFileSync } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'

const BIN = '/usr/lib/postgresql/15/bin'

export interface PrivatePostgres {
  port: number
  /** A URL for database `name` on this instance. */
  url(name: string): string
  createDatabase(name: string): Promise<string>
  /** `pg_ctl stop -m fast`: what an operator's restart or a failover does to the app's connections. */
  stop(): void
  start(): void
  /** Starts it unless it runs: a failed fault must not leave the next one without a database. */
  ensureRunning(): void
  destroy(): void
}

// PostgreSQL refuses to run as root: every pg_ctl/initdb runs as the postgres user, whose data dir it owns.
function asPostgres(args: string[]): void {
  const cmd = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] as const : [args[0]!, args.slice(1)] as const
  execFileSync(cmd[0], cmd[1], { stdio: ['ignore', 'ignore', 'pipe'] })
}

/**
 * A PostgreSQL cluster of the fault run's own, on a free port, so stopping it never touches the
 * machine's shared server on 5432. Trust auth on loopback only; fsync off because the faults are
 * process-level (a stopped server, never a lost OS page cache) and the disk is shared.
 */
export function startPrivatePostgres(port: number): PrivatePostgres {
  const dir = mkdtempSync(join(tmpdir(), 'pt-faults-pg-'))
  const data = join(dir, 'data')
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresIds()
    chownSync(dir, uid, gid)
  }
  asPostgres([`${BIN}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`
  const start = () => asPostgres([`${BIN}/pg_ctl`, '-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start'])
  const stop = () => asPostgres([`${BIN}/pg_ctl`, '-D', data, '-m', 'fast', '-w', 'stop'])
  start()
  const url = (name: string) => `postgres://postgres@127.0.0.1:${port}/${name}`
  return {
    port,
    url,
    async createDatabase(name) {
      const admin = postgres(url('postgres'), { max: 1, onnotice: () => {} })
      await admin.unsafe(`create database ${name}`)
      await admin.end()
      return url(name)
    },
    stop,
    start,
    ensureRunning() {
      try {
        asPostgres([`${BIN}/pg_ctl`, '-D', data, 'status'])
      } catch {
        start()
      }
    },
    destroy() {
      try {
        stop()
      } catch {
        // Already stopped (a fault left it so, or it never started).
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

function postgresIds(): { uid: number, gid: number } {
  const [uid, gid] = execFileSync('sh', ['-c', 'id -u postgres; id -g postgres'], { encoding: 'utf8' }).trim().split('\n').map(Number)
  return { uid: uid!, gid: gid! }
}

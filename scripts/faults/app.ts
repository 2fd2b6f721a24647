import { startServer, type RunningServer } from '../../tests/support/server'

/** One built server (`.output`) under test that can be killed, stopped and started again with the same environment. */
export class App {
  private server?: RunningServer
  /** Every log line of every run of this app. */
  readonly logs: string[] = []

  constructor(readonly name: string, private env: Record<string, string>) {}

  get url(): string {
    if (!this.server) throw new Error(`${this.name} is not running`)
    return this.server.url
  }

  /** The server's process id (for RSS samples). */
  get pid(): number | undefined {
    return this.server?.process.pid
  }

  get running(): boolean {
    return this.server !== undefined
  }

  async start(): Promise<void> {
    this.server = await startServer(this.env, 90_000)
    const logs = this.server.logs
    // startServer keeps its own array; mirror it so lines of earlier runs stay readable after a restart.
    const push = logs.push.bind(logs)
    logs.push = (...lines: string[]) => {
      this.logs.push(...lines)
      return push(...lines)
    }
    this.logs.push(...logs)
  }

  async kill(): Promise<void> {
    await this.server?.kill()
    this.server = undefined
  }

  /** SIGTERM; resolves with the exit code and how long the shutdown took. */
  async terminate(): Promise<{ code: number | null, ms: number }> {
    const t0 = Date.now()
    const code = await this.server!.stop()
    this.server = undefined
    return { code, ms: Date.now() - t0 }
  }

  async health(): Promise<{ status: string, parts: Record<string, { status: string, pending?: number }> } | null> {
    if (!this.server) return null
    return fetch(`${this.server.url}/health`).then(r => r.json(), () => null) as Promise<never>
  }
}

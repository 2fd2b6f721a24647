import { createServer } from 'node:net'

/** Binds `port` (0: any) on `host` for a moment and returns the port it got; rejects if taken. */
function probe(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(port, host, () => {
      const { port: got } = server.address() as { port: number }
      server.close(() => resolve(got))
    })
  })
}

/**
 * `preferred` if it is free on `host`, else a free port chosen by the OS. For child processes that
 * must be told a port up front; a server we own binds and falls back itself, without this race.
 */
export async function preferredOrFreePort(host: string, preferred: number): Promise<{ port: number, fallbackFrom?: number }> {
  if (preferred === 0) return { port: await probe(host, 0) }
  try {
    return { port: await probe(host, preferred) }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    return { port: await probe(host, 0), fallbackFrom: preferred }
  }
}

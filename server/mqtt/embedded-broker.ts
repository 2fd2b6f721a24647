import { createServer, type Server } from 'node:net'
import { Aedes } from 'aedes'
import type { Logger } from 'pino'

export interface EmbeddedBroker {
  url: string
  port: number
  /** Set when the configured port was taken and another one was used. */
  fallbackFrom?: number
  close(): Promise<void>
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening)
      reject(err)
    }
    const onListening = () => {
      server.off('error', onError)
      resolve((server.address() as { port: number }).port)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}

/**
 * The zero-config MQTT broker (aedes, MQTT 3.1.1, in-memory persistent sessions). If the port is taken
 * — Mosquitto often runs on 1883 — it says so and takes a free one.
 */
export async function startEmbeddedBroker(host: string, port: number, logger: Logger): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker()
  const server = createServer(broker.handle)
  let actual: number
  let fallbackFrom: number | undefined
  try {
    actual = await listen(server, port, host)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    actual = await listen(server, 0, host)
    fallbackFrom = port
    logger.warn({ port, using: actual }, `embedded MQTT broker: port ${port} is taken, using ${actual} instead`)
  }
  return {
    url: `mqtt://${host}:${actual}`,
    port: actual,
    fallbackFrom,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve())
      broker.close(() => {})
    })
  }
}

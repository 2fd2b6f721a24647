import pino, { type Logger } from 'pino'

/** Structured JSON logs (one object per line) with tenant/plant/machine/gateway fields where known. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'plant-telemetry' }, timestamp: pino.stdTimeFunctions.isoTime })
}

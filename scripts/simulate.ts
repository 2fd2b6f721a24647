// `npm run simulate -- --url mqtt://127.0.0.1:1883 --gateways 4 --machines 3 --metrics 6 --rate 1`
import { parseArgs } from 'node:util'
import { createLogger } from '../server/logger'
import { startSimulator } from '../server/simulator/simulator'

const { values: a } = parseArgs({
  options: {
    'url': { type: 'string', default: process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883' },
    'mqtt-version': { type: 'string', default: '5' },
    'tenant': { type: 'string', default: 'granix' },
    'province': { type: 'string', default: 'ba' },
    'plant': { type: 'string', default: 'planta-1' },
    'gateways': { type: 'string', default: '2' },
    'machines': { type: 'string', default: '3' },
    'metrics': { type: 'string', default: '6' },
    'rate': { type: 'string', default: '1' },
    'heartbeat-s': { type: 'string', default: '10' },
    'restart-chance': { type: 'string', default: '0.01' },
    'bad-quality': { type: 'string', default: '0.01' },
    'seconds': { type: 'string' },
    'certs-dir': { type: 'string', default: process.env.SIMULATOR_CERTS_DIR },
    'help': { type: 'boolean', default: false }
  }
})

if (a.help) {
  console.log(`Gateway simulator: publishes shapes A, B and C, heartbeats and a Last Will.
  --url URL            broker (default $MQTT_URL or mqtt://127.0.0.1:1883; the embedded broker's URL is in /health)
  --mqtt-version 4|5   MQTT 3.1.1 (the embedded broker) or 5 (default)
  --tenant --province --plant   where the gateways publish (default granix/ba/planta-1)
  --gateways N --machines M (per gateway) --metrics K (per machine) --rate R (samples/s per machine)
  --heartbeat-s S      heartbeat period (default 10)
  --restart-chance P   chance per heartbeat that a gateway drops its connection (Last Will) and returns
  --bad-quality F      fraction of samples with quality BAD
  --seconds S          stop after S seconds (default: run until Ctrl-C)
  --certs-dir DIR      mqtts:// with client certificates: gateway i uses DIR/<thingName>/ (npm run gateway:create)`)
  process.exit(0)
}

const num = (v: string | undefined, name: string) => {
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number, got "${v}"`)
    process.exit(2)
  }
  return n
}

const logger = createLogger('info')
const sim = await startSimulator({
  url: a.url!,
  protocolVersion: a['mqtt-version'] === '4' ? 4 : 5,
  tenant: a.tenant!, province: a.province!, plant: a.plant!,
  gateways: num(a.gateways, 'gateways'), machines: num(a.machines, 'machines'), metrics: num(a.metrics, 'metrics'),
  rate: num(a.rate, 'rate'), heartbeatMs: num(a['heartbeat-s'], 'heartbeat-s') * 1000,
  restartChance: num(a['restart-chance'], 'restart-chance'), badQuality: num(a['bad-quality'], 'bad-quality'), logger,
  certsDir: a['certs-dir']
})
logger.info({ url: a.url, gateways: a.gateways, machines: a.machines, metrics: a.metrics, rate: a.rate }, 'simulator running')
const report = setInterval(() => logger.info({ published: sim.published() }, 'simulator progress'), 10_000)
const stop = async () => {
  clearInterval(report)
  await sim.stop()
  logger.info({ published: sim.published() }, 'simulator stopped')
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
if (a.seconds) setTimeout(stop, num(a.seconds, 'seconds') * 1000)

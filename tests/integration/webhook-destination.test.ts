import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkDestination, guardedAgent, refusal, type DestinationPolicy } from '../../server/notifications/destination'
import { sendWebhook } from '../../server/notifications/webhook'
import { WebhookReceiver } from '../support/webhook-receiver'

// Where webhooks may go (SSRF guard): the policy as a function of addresses, the check when an
// endpoint is saved (DNS included), and the agent that checks the address it actually connects to.

const open: DestinationPolicy = { allowedHosts: [], allowPrivate: false }

describe('the destination policy', () => {
  it('allows public addresses and refuses private, loopback, link-local and mapped ones', () => {
    expect(refusal(open, 'hooks.example.com', '93.184.216.34')).toBeNull()
    expect(refusal(open, 'hooks.example.com', '2606:2800:220:1:248:1893:25c8:1946')).toBeNull()
    for (const address of ['127.0.0.1', '10.0.0.5', '192.168.1.10', '172.16.3.4', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
      expect(refusal(open, 'h', address), address).toMatch(/WEBHOOK_ALLOWED_HOSTS or set WEBHOOK_ALLOW_PRIVATE/)
    }
  })

  it('WEBHOOK_ALLOW_PRIVATE lets any address through; an allow-list lets only what it names', () => {
    expect(refusal({ allowedHosts: [], allowPrivate: true }, 'h', '10.0.0.5')).toBeNull()
    const listed: DestinationPolicy = { allowedHosts: ['mes.plant.local', '*.example.com', '10.20.0.0/16', '127.0.0.1'], allowPrivate: false }
    expect(refusal(listed, 'mes.plant.local', '10.9.9.9')).toBeNull()
    expect(refusal(listed, 'a.b.example.com', '93.184.216.34')).toBeNull()
    expect(refusal(listed, 'scada', '10.20.30.40')).toBeNull()
    expect(refusal(listed, 'scada', '::ffff:10.20.30.40')).toBeNull()
    expect(refusal(listed, 'localhost', '127.0.0.1')).toBeNull()
    expect(refusal(listed, 'example.com.evil.net', '93.184.216.34')).toMatch(/not in WEBHOOK_ALLOWED_HOSTS/)
    expect(refusal(listed, 'other', '10.21.0.1')).toMatch(/not in WEBHOOK_ALLOWED_HOSTS/)
  })

  it('checks every address a name resolves to when an endpoint is saved', async () => {
    expect(await checkDestination(open, 'http://localhost:8080/hook')).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a loopback address/)
    expect(await checkDestination(open, 'http://[::1]/hook')).toMatch(/loopback/)
    expect(await checkDestination(open, 'http://169.254.169.254/latest/meta-data')).toMatch(/linkLocal/)
    expect(await checkDestination(open, 'https://no-such-host.invalid/hook')).toMatch(/does not resolve/)
    expect(await checkDestination({ allowedHosts: ['localhost'], allowPrivate: false }, 'http://localhost/hook')).toBeNull()
  })
})

describe('sending', () => {
  const rx = new WebhookReceiver()
  const request = (url: string) => ({ url, secret: 's'.repeat(32), body: '{"alarm":{}}', deliveryId: 1, event: 'alarm.raised', timeoutMs: 2000 })
  beforeAll(() => rx.start())
  afterAll(() => rx.stop())

  it('refuses at connect time a name that resolves to a forbidden address, without retrying', async () => {
    const agent = guardedAgent(open)
    try {
      const port = new URL(rx.url).port
      // The name passed when saved (say it resolved elsewhere then); what counts is where it points now.
      const result = await sendWebhook(request(`http://localhost:${port}/rebound`), { policy: open, agent })
      expect(result).toMatchObject({ statusCode: null, refused: true })
      expect(result.error).toMatch(/destination refused: localhost resolves to/)
      const literal = await sendWebhook(request(`${rx.url}/literal`), { policy: open, agent })
      expect(literal).toMatchObject({ refused: true })
      expect(rx.received.filter(r => r.path === '/rebound' || r.path === '/literal')).toHaveLength(0)
    } finally {
      await agent.destroy()
    }
  })

  it('sends through the same agent when the policy allows the address', async () => {
    const policy: DestinationPolicy = { allowedHosts: ['localhost', '127.0.0.1'], allowPrivate: false }
    const agent = guardedAgent(policy)
    try {
      const port = new URL(rx.url).port
      expect(await sendWebhook(request(`http://localhost:${port}/ok`), { policy, agent })).toMatchObject({ statusCode: 200, error: null })
      expect(await sendWebhook(request(`${rx.url}/ok`), { policy, agent })).toMatchObject({ statusCode: 200, error: null })
      expect(rx.received.filter(r => r.path === '/ok')).toHaveLength(2)
    } finally {
      await agent.destroy()
    }
  })
})

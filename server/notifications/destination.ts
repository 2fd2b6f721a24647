import { lookup } from 'node:dns'
import { lookup as lookupAsync } from 'node:dns/promises'
import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'
import { Agent } from 'undici'

/**
 * Where webhooks may go. A tenant admin types the URL, and the server POSTs to it from inside the
 * deployment: without a policy, an endpoint could reach the cloud metadata service, the database's
 * admin port or anything else only the server can see (SSRF).
 */
export interface DestinationPolicy {
  /** Host names (`hooks.example.com`), suffixes (`*.example.com`) or address ranges (`10.0.0.0/8`); empty: any host. */
  allowedHosts: string[]
  /** Whether hosts not listed may resolve to private, loopback, link-local and other non-public addresses. */
  allowPrivate: boolean
}

export class DestinationRefused extends Error {
  override name = 'DestinationRefused'
}

export const hostOf = (url: string) => new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase()

function listedRange(entry: string, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (!entry.includes('/') && !isIP(entry)) return false
  const [net, bits] = entry.includes('/') ? ipaddr.parseCIDR(entry) : [ipaddr.parse(entry), entry.includes(':') ? 128 : 32]
  const a = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address
  return a.kind() === net.kind() && a.match(net, bits)
}

/** Whether the policy lists the host by name (or suffix), or one of its addresses by range. */
function listed(policy: DestinationPolicy, host: string, address?: string): boolean {
  return policy.allowedHosts.some((entry) => {
    if (entry.startsWith('*.')) return host.endsWith(entry.slice(1))
    if (entry === host) return true
    return address !== undefined && listedRange(entry, ipaddr.parse(address))
  })
}

/** Public (global unicast) addresses only; IPv4-mapped IPv6 is judged as the IPv4 address it carries. */
function isPublic(address: string): boolean {
  const parsed = ipaddr.process(address)
  return parsed.range() === 'unicast'
}

/** Why the host at `address` may not be reached, or null when it may. */
export function refusal(policy: DestinationPolicy, host: string, address: string): string | null {
  if (listed(policy, host, address)) return null
  if (policy.allowedHosts.length) return `${host} is not in WEBHOOK_ALLOWED_HOSTS`
  if (policy.allowPrivate || isPublic(address)) return null
  return `${host} resolves to ${address}, a ${ipaddr.process(address).range()} address; list it in WEBHOOK_ALLOWED_HOSTS or set WEBHOOK_ALLOW_PRIVATE=true`
}

/** Checks a URL when an endpoint is saved: every address its host resolves to must be allowed. */
export async function checkDestination(policy: DestinationPolicy, url: string): Promise<string | null> {
  const host = hostOf(url)
  let addresses: string[]
  try {
    addresses = isIP(host) ? [host] : (await lookupAsync(host, { all: true })).map(a => a.address)
  } catch (err) {
    return `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
  }
  for (const address of addresses) {
    const why = refusal(policy, host, address)
    if (why) return why
  }
  return null
}

/**
 * The HTTP agent webhooks are sent with: the policy is checked on the address actually connected
 * to, so a host that resolved to a public address when the endpoint was saved cannot be pointed at
 * a private one later (DNS rebinding).
 */
export function guardedAgent(policy: DestinationPolicy): Agent {
  return new Agent({
    connect: {
      lookup: (hostname, options, callback) => {
        lookup(hostname, { ...options, all: true }, (err, addresses) => {
          if (err) return callback(err, '', 0)
          const host = hostname.toLowerCase()
          for (const a of addresses) {
            const why = refusal(policy, host, a.address)
            if (why) return callback(new DestinationRefused(why), '', 0)
          }
          // net asks for every address (happy eyeballs) or for one.
          if (options.all) return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses)
          callback(null, addresses[0]!.address, addresses[0]!.family)
        })
      }
    }
  })
}

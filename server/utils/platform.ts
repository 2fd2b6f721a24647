import type { Platform } from '../platform'

let current: Promise<Platform> | undefined

/** Set once by the platform plugin. */
export function setPlatform(p: Promise<Platform>): void {
  current = p
}

/** The running platform; throws 503 while it is still starting (or could not start). */
export async function usePlatform(): Promise<Platform> {
  if (!current) throw createError({ statusCode: 503, statusMessage: 'Starting', data: { code: 'STARTING' } })
  return current
}

/** The running platform if it has started, without waiting. */
export function peekPlatform(): Promise<Platform> | undefined {
  return current
}

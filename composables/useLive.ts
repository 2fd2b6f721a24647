import type { LiveStreamOptions } from './useLiveStream'

/** The live stream (/ws) as the signed-in user; stops with the calling component. */
export function useLive(options: Omit<LiveStreamOptions, 'getToken'> = {}) {
  const { token } = useSession()
  return useLiveStream({
    ...options,
    getToken: async () => {
      const t = await token()
      if (!t) throw new Error('signed out')
      return t
    }
  })
}

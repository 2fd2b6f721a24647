import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

// The scheduler is module state: a fresh copy per test, with a fake clock and animation frames.
let frames: (() => void)[] = []
let now = 0
async function load() {
  vi.resetModules()
  return (await import('../../composables/useChartFrames')).useChartFrames
}
const nextFrame = () => frames.splice(0).forEach(f => f())

beforeEach(() => {
  frames = []
  now = 0
  vi.stubGlobal('requestAnimationFrame', (f: () => void) => frames.push(f))
  vi.stubGlobal('performance', { now: () => now })
  // Outside a component Vue warns about onBeforeUnmount; nothing to clean up here.
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('chart redraws sharing a frame budget', () => {
  it('draws what fits in 12 ms per frame, oldest first, the rest in the next frames', async () => {
    const useChartFrames = await load()
    const drawn: string[] = []
    const charts = ['a', 'b', 'c', 'd', 'e'].map(name => ({ name, schedule: useChartFrames() }))
    // Each redraw costs 5 ms.
    for (const c of charts) c.schedule(() => {
      drawn.push(c.name)
      now += 5
    })
    expect(frames).toHaveLength(1)
    nextFrame()
    expect(drawn).toEqual(['a', 'b', 'c'])
    nextFrame()
    expect(drawn).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(frames).toHaveLength(0)
  })

  it('draws a chart once with its newest option, in the place of its first request', async () => {
    const useChartFrames = await load()
    const drawn: string[] = []
    const a = useChartFrames()
    const b = useChartFrames()
    a(() => drawn.push('a1'))
    b(() => drawn.push('b1'))
    a(() => drawn.push('a2'))
    nextFrame()
    expect(drawn).toEqual(['a2', 'b1'])
  })
})

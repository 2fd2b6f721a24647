import { onBeforeUnmount } from 'vue'

/**
 * Main-thread time (ms) chart redraws may take per animation frame. Live values arrive in bursts
 * (many series change in the same frame) and one chart's update costs a few ms of ECharts work, more
 * on a tablet: drawn together they make frames of 100 ms and more. Within a budget the rest wait
 * for the next frames, oldest first, and a chart asked to redraw again before its turn draws once,
 * with its newest option.
 */
const BUDGET_MS = 12

const jobs = new Map<symbol, () => void>()
let frame = 0

function run(): void {
  frame = 0
  const start = performance.now()
  for (const [key, job] of jobs) {
    jobs.delete(key)
    job()
    if (performance.now() - start >= BUDGET_MS) break
  }
  if (jobs.size) frame = requestAnimationFrame(run)
}

/** A scheduler for one chart's redraws, sharing the frame budget with every other chart on the page. */
export function useChartFrames(): (job: () => void) => void {
  const key = Symbol('chart')
  onBeforeUnmount(() => jobs.delete(key))
  return (job) => {
    // Map.set on a key already queued keeps its place in the queue.
    jobs.set(key, job)
    frame ||= requestAnimationFrame(run)
  }
}

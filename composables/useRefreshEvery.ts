/**
 * Calls `refresh` every `ms` while the component is mounted. A stopgap for pages that have no live
 * stream yet; the WebSocket composable replaces it where one exists.
 */
export function useRefreshEvery(refresh: () => unknown, ms: number): void {
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    timer = setInterval(refresh, ms)
  })
  onBeforeUnmount(() => clearInterval(timer))
}

import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { BarChart, GaugeChart, LineChart } from 'echarts/charts'
import { DataZoomComponent, GridComponent, TooltipComponent } from 'echarts/components'

// Only the chart types and parts the widgets draw, so the dashboard's bundle stays small; this
// module is imported by the chart components only, never by the overview.
use([CanvasRenderer, BarChart, GaugeChart, LineChart, DataZoomComponent, GridComponent, TooltipComponent])

/** Colours for charts in the current theme: ECharts paints on a canvas and cannot read CSS variables. */
export function useChartTheme() {
  const { dark } = useTheme()
  return computed(() => dark.value
    ? { text: '#cbd5e1', muted: '#64748b', line: '#334155', primary: '#38bdf8', track: '#1e293b' }
    : { text: '#334155', muted: '#94a3b8', line: '#e2e8f0', primary: '#0284c7', track: '#e2e8f0' })
}

// Hand-written SVG line charts: dates on x, shares (0 = 0 %, 1 = 100 %) on y. Styled by class in style.css.
import { h, s } from './dom.js'
import { percent } from './i18n.js'

const WIDTH = 720
const HEIGHT = 260
const MARGIN = { top: 12, right: 16, bottom: 28, left: 48 }

const dayOf = (isoDate) => Date.UTC(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)) - 1, Number(isoDate.slice(8, 10))) / 86_400_000

/** Month starts from `start` to `end` (ISO dates), with their 0-based month index: the x ticks. */
export const monthTicks = (start, end) => {
  const ticks = []
  let year = Number(start.slice(0, 4))
  let month = Number(start.slice(5, 7)) - 1
  if (Number(start.slice(8, 10)) > 1) month += 1
  for (;;) {
    if (month === 12) {
      year += 1
      month = 0
    }
    const date = `${year}-${String(month + 1).padStart(2, '0')}-01`
    if (date > end) return ticks
    ticks.push({ date, month })
    month += 1
  }
}

const pathOf = (points, x, y, step) => {
  let d = ''
  let previous = null
  for (const point of points) {
    if (point.value === null || point.value === undefined) {
      previous = null
      continue
    }
    const px = x(point.date).toFixed(1)
    const py = y(point.value).toFixed(1)
    if (previous === null) d += `M${px},${py}`
    else if (step) d += `H${px}V${py}`
    else d += `L${px},${py}`
    previous = point
  }
  return d
}

/**
 * series: [{ label, className, points: [{date, value}], step? }]; `step` draws a value as holding until
 * the next point (a reported value stands until the next report). xTicks: [{date, label}].
 */
export const lineChart = ({ start, end, series, xTicks, label }) => {
  const values = series.flatMap((line) => line.points.map((point) => point.value)).filter((value) => typeof value === 'number')
  const yMax = Math.max(1, Math.ceil(Math.max(0, ...values) * 4) / 4)
  const x0 = dayOf(start)
  const span = Math.max(1, dayOf(end) - x0)
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom
  const x = (date) => MARGIN.left + ((dayOf(date) - x0) / span) * innerWidth
  const y = (value) => MARGIN.top + innerHeight - (Math.max(0, value) / yMax) * innerHeight

  const grid = []
  for (let tick = 0; tick <= yMax + 1e-9; tick += yMax > 2 ? 0.5 : 0.25) {
    grid.push(
      s('line', { class: tick === 1 ? 'grid goal' : 'grid', x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(tick), y2: y(tick) }),
      s('text', { class: 'tick', x: MARGIN.left - 6, y: y(tick) + 4, 'text-anchor': 'end' }, percent(tick).replace('.0%', '%')),
    )
  }
  const xAxis = xTicks.map((tick) =>
    s('g', {}, s('line', { class: 'grid x', x1: x(tick.date), x2: x(tick.date), y1: MARGIN.top, y2: MARGIN.top + innerHeight }),
      s('text', { class: 'tick', x: x(tick.date) + 2, y: HEIGHT - 8 }, tick.label)),
  )
  const lines = series.map((line) =>
    s('g', { class: `series ${line.className}` },
      s('path', { d: pathOf(line.points, x, y, line.step === true) }),
      line.points
        .filter((point) => typeof point.value === 'number')
        .map((point) => s('circle', { cx: x(point.date), cy: y(point.value), r: 3 }, s('title', {}, `${line.label} ${point.date}: ${percent(point.value)}`))),
    ),
  )
  const chart = s('svg', { class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label }, grid, xAxis, lines)
  const legend = h('ul', { class: 'legend' }, series.map((line) => h('li', { class: `series ${line.className}` }, h('span', { class: 'swatch' }), line.label)))
  return h('figure', { class: 'chart-box' }, chart, legend)
}

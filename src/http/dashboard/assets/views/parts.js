// Pieces the three views share: completion meters, traffic lights, status badges, values against goals.
import { h, s } from '../dom.js'
import { local, number, percent, statusLabel, t, unitLabel } from '../i18n.js'

/** Zone names as the ranking and zone answers gave them, so a target page can name its zone without another read. */
const zoneNames = new Map()

export const rememberZoneName = (groupId, name) => {
  if (name) zoneNames.set(groupId, name)
}

export const zoneName = (zoneId) => (zoneNames.has(zoneId) ? local(zoneNames.get(zoneId)) : zoneId)

const clamp01 = (share) => Math.min(1, Math.max(0, share))

/** A bar for the completion (clamped at 100 %) with a tick where progress is expected by now. */
export const meter = (completion, expected) =>
  s('svg', { class: 'meter', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
    s('rect', { class: 'meter-track', x: 0, y: 0, width: 100, height: 10 }),
    completion === null ? null : s('rect', { class: 'meter-fill', x: 0, y: 0, width: (clamp01(completion) * 100).toFixed(2), height: 10 }),
    expected === null ? null : s('line', { class: 'meter-expected', x1: clamp01(expected) * 100, x2: clamp01(expected) * 100, y1: 0, y2: 10 }),
  )

/** Status counts of a group as traffic lights: green (achieved, on track, met, closed as achieved), yellow, red. */
const lightCounts = (counts) => ({
  green: counts.achieved + counts.on_track + counts.met + counts.closed,
  yellow: counts.lagging,
  red: counts.behind + counts.breached,
})

export const lights = (counts) => {
  const tally = lightCounts(counts)
  const detail = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${statusLabel(status)} ${n}`)
    .join(' · ')
  return h('span', { class: 'lights', title: detail },
    ['green', 'yellow', 'red'].map((light) =>
      h('span', { class: `light-count light-${light}`, 'data-light': light, 'aria-label': `${t(light)} ${tally[light]}` },
        h('span', { class: `dot ${light}` }), String(tally[light]))),
  )
}

export const statusBadge = (summary) =>
  h('span', { class: 'status' },
    h('span', { class: `dot ${summary.light}` }),
    statusLabel(summary.status),
    summary.unreported ? h('span', { class: 'flag' }, t('unreported')) : null,
    summary.overdue ? h('span', { class: 'flag warn' }, t('overdue')) : null,
  )

/** "12 / 39 个", "≤ 5.5 %", or for a milestone the stages done out of all stages. */
export const valueAgainstGoal = (definition, progress) => {
  const unit = unitLabel(definition.unit)
  const suffix = unit === '' ? '' : unit === '%' ? '%' : ` ${unit}`
  switch (definition.kind) {
    case 'milestone':
      return `${progress.doneStages.length} / ${definition.stages.length} ${t('stage')}`
    case 'ceiling':
      return `${number(progress.value)} / ≤ ${number(definition.limit)}${suffix}`
    default:
      // reach and growth: the goal itself (ceilings and milestones are read above)
      return `${number(progress.value)} / ${number(definition.goal)}${suffix}`
  }
}

/** A report's value as read: the number for valued kinds, the stage's title for milestones. */
export const reportValue = (definition, report) => {
  if (report.stage !== null) {
    const stage = definition.kind === 'milestone' ? definition.stages.find((candidate) => candidate.id === report.stage) : undefined
    return stage ? local(stage.title) : report.stage
  }
  return number(report.value)
}

export const percentCell = (share, className) => h('td', { class: `num ${className}` }, percent(share))

export const section = (title, ...children) => h('section', { class: 'card' }, h('h2', {}, title), ...children)

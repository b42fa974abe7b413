// One zone (or report chapter): its standing, for a zone a monthly burn-up of expected against actual
// completion (the API has a timeline for zones only), and its targets.
import { read } from '../api.js'
import { lineChart, monthTicks } from '../charts.js'
import { h } from '../dom.js'
import { kindLabel, local, monthLabel, percent, t, verificationLabel } from '../i18n.js'
import { lights, meter, percentCell, rememberZoneName, reportValue, section, statusBadge, valueAgainstGoal } from './parts.js'
import { groupings } from './ranking.js'

const latestReportCell = (summary) => {
  const report = summary.latestReport
  if (report === null) return h('td', { class: 'latest muted' }, t('none'))
  return h('td', { class: 'latest' },
    h('span', { class: 'date' }, report.asOf), ' · ', reportValue(summary.definition, report), ' · ',
    h('span', { class: `verification ${report.verification}` }, verificationLabel(report.verification)))
}

const burnUp = (points, targets) => {
  const start = targets.map((target) => target.definition.period.start).reduce((a, b) => (a < b ? a : b))
  const end = targets.map((target) => target.definition.period.end).reduce((a, b) => (a > b ? a : b))
  const series = (key) => points.map((point) => ({ date: point.date, value: point[key] }))
  return lineChart({
    start,
    end,
    label: t('burnUp'),
    xTicks: monthTicks(start, end).map((tick) => ({ date: tick.date, label: monthLabel(tick.month) })),
    series: [
      { label: t('expected'), className: 'expected', points: series('expected') },
      { label: t('actual'), className: 'actual', points: series('completion') },
      { label: t('verified'), className: 'verified', points: series('verifiedCompletion') },
    ],
  })
}

const groupView = (grouping) => async ({ query, href }, groupId) => {
  const path = `${grouping.api}/${encodeURIComponent(groupId)}`
  const byZone = grouping === groupings.zones
  const [answer, timeline] = await Promise.all([read(path, query), byZone ? read(`${path}/timeline`, query) : undefined])
  const { [grouping.detail]: zone, targets } = answer
  if (byZone) rememberZoneName(zone.groupId, zone.name)
  const name = zone.name ? local(zone.name) : zone.groupId
  const summary = h('dl', { class: 'facts' },
    h('dt', {}, t('rank')), h('dd', { class: 'rank' }, String(zone.rank)),
    h('dt', {}, t('completion')), h('dd', { class: 'completion' }, percent(zone.completion), meter(zone.completion, zone.expected)),
    h('dt', {}, t('expected')), h('dd', { class: 'expected' }, percent(zone.expected)),
    h('dt', {}, t('verified')), h('dd', { class: 'verified' }, percent(zone.verifiedCompletion)),
    h('dt', {}, t('lights')), h('dd', {}, lights(zone.counts)),
  )
  const rows = targets.map((target) =>
    h('tr', { 'data-target-id': target.id },
      h('td', { class: 'title' }, h('a', { href: href(`/targets/${encodeURIComponent(target.id)}`) }, local(target.definition.title))),
      h('td', { class: 'kind' }, kindLabel(target.definition.kind)),
      h('td', { class: 'num value' }, valueAgainstGoal(target.definition, target.reported)),
      percentCell(target.reported.completion, 'completion'),
      h('td', { class: 'status-cell' }, statusBadge(target)),
      latestReportCell(target),
    ),
  )
  const table = targets.length === 0
    ? h('p', { class: 'muted' }, t(byZone ? 'noTargets' : 'noChapterTargets'))
    : h('div', { class: 'scroll' }, h('table', { class: 'targets' },
      h('thead', {}, h('tr', {},
        h('th', {}, t('target')), h('th', {}, t('kind')), h('th', { class: 'num' }, t('valueGoal')),
        h('th', { class: 'num' }, t('completion')), h('th', {}, t('status')), h('th', {}, t('latestReport')))),
      h('tbody', {}, rows)))
  const node = h('div', { class: 'stack' },
    h('a', { class: 'back', href: href(grouping.home) }, t('back')),
    section(name, summary),
    byZone
      ? section(t('burnUp'), timeline.points.length === 0 || targets.length === 0 ? h('p', { class: 'muted' }, t('noPoints')) : burnUp(timeline.points, targets))
      : null,
    section(`${t('targets')} (${targets.length})`, table),
  )
  return { title: name, answer, node }
}

export const zoneView = groupView(groupings.zones)
export const chapterView = groupView(groupings.chapters)

// One target: its definition and standing, a timeline chart, its reports with verdicts and corrections, and its audit trail.
import { read } from '../api.js'
import { lineChart, monthTicks } from '../charts.js'
import { h } from '../dom.js'
import { eventLabel, kindLabel, local, monthLabel, number, percent, roleLabel, t, verificationLabel } from '../i18n.js'
import { meter, reportValue, section, statusBadge, valueAgainstGoal, zoneName } from './parts.js'

const HISTORY_PAGE = 100

const actor = (ref) => h('span', { class: 'actor' }, ref.id, h('span', { class: 'role' }, ` (${roleLabel(ref.role)})`))

const instant = (value) => h('time', { datetime: value }, value)

/** Evidence links leave the page only for http(s) addresses. */
const safeUrl = (url) => {
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null
  } catch {
    return null
  }
}

const evidenceList = (evidence) =>
  evidence.length === 0
    ? null
    : h('ul', { class: 'evidence' }, evidence.map((item) => {
      const href = safeUrl(item.url)
      return h('li', {}, href ? h('a', { href, rel: 'noopener noreferrer', target: '_blank' }, item.title) : `${item.title} (${item.url})`)
    }))

const changesText = (definition, changes) =>
  Object.entries(changes)
    .map(([field, value]) => `${field} → ${field === 'stage' ? reportValue(definition, { stage: value }) : typeof value === 'number' ? number(value) : typeof value === 'object' ? JSON.stringify(value) : value}`)
    .join(', ')

const verdictCell = (report) => {
  const { verdict } = report
  return h('td', { class: 'verification-cell' },
    h('span', { class: `verification ${report.verification}` }, verificationLabel(report.verification)),
    verdict === null ? null : h('div', { class: 'sub' }, actor(verdict.by), ' · ', instant(verdict.at),
      verdict.comment ? h('div', { class: 'quote' }, verdict.comment) : null,
      verdict.reason ? h('div', { class: 'quote' }, `${t('reason')}: ${verdict.reason}`) : null),
  )
}

const correctionsCell = (definition, report) =>
  h('td', { class: 'corrections' },
    report.corrections.length === 0 ? '—' : h('ol', {}, report.corrections.map((correction) =>
      h('li', { class: 'correction' },
        h('div', {}, changesText(definition, correction.changes)),
        h('div', { class: 'sub' }, `${t('reason')}: ${correction.reason}`),
        h('div', { class: 'sub' }, actor(correction.by), ' · ', instant(correction.at)))),
    ))

const reportsTable = (detail) =>
  detail.reports.length === 0
    ? h('p', { class: 'muted' }, t('noReports'))
    : h('div', { class: 'scroll' }, h('table', { class: 'reports' },
      h('thead', {}, h('tr', {},
        h('th', {}, t('effective')), h('th', { class: 'num' }, t('value')), h('th', {}, t('note')),
        h('th', {}, t('reportedBy')), h('th', {}, t('verification')), h('th', {}, t('corrections')))),
      h('tbody', {}, detail.reports.map((report) =>
        h('tr', { 'data-report-id': report.reportId, class: report.verification === 'rejected' ? 'rejected' : null },
          h('td', { class: 'date' }, report.asOf),
          h('td', { class: 'num value' }, reportValue(detail.definition, report)),
          h('td', { class: 'note' }, report.note ?? '', report.reason ? h('div', { class: 'sub' }, `${t('reason')}: ${report.reason}`) : null, evidenceList(report.evidence)),
          h('td', {}, actor(report.reportedBy), h('div', { class: 'sub' }, instant(report.reportedAt))),
          verdictCell(report),
          correctionsCell(detail.definition, report),
        )))))

const shortHash = (hash) => h('code', { class: 'hash', title: hash }, `${hash.slice(0, 12)}…`)

const auditRows = (events) =>
  events.map((event) =>
    h('tr', { 'data-position': event.position },
      h('td', { class: 'num position' }, event.position),
      h('td', { class: 'num revision' }, event.revision),
      h('td', { class: 'type' }, eventLabel(event.type), event.synthetic ? h('span', { class: 'flag synthetic', title: t('syntheticNote') }, t('synthetic')) : null),
      h('td', {}, actor(event.actor)),
      h('td', { class: 'recorded' }, instant(event.recordedAt)),
      h('td', { class: 'reason' }, event.reason ?? ''),
      h('td', {}, shortHash(event.hash), h('div', { class: 'sub' }, '← ', shortHash(event.prevHash))),
    ))

const auditTrail = (path, page, knownAt) => {
  const body = h('tbody', {}, auditRows(page.events))
  const more = h('button', { type: 'button', class: 'more', hidden: page.next === null }, t('more'))
  let next = page.next
  more.addEventListener('click', async () => {
    more.disabled = true
    const following = await read(path, { after: next, limit: HISTORY_PAGE, knownAt })
    body.append(...auditRows(following.events))
    next = following.next
    more.hidden = next === null
    more.disabled = false
  })
  return h('div', {},
    h('p', { class: 'muted' }, t('auditNote')),
    h('div', { class: 'scroll' }, h('table', { class: 'audit' },
      h('thead', {}, h('tr', {},
        h('th', { class: 'num' }, t('position')), h('th', { class: 'num' }, t('revision')), h('th', {}, t('event')),
        h('th', {}, t('actor')), h('th', {}, t('recordedAt')), h('th', {}, t('reason')), h('th', {}, `${t('hash')} ← ${t('prevHash')}`))),
      body)),
    more)
}

const timelineChart = (detail, timeline) => {
  const { start, end } = detail.definition.period
  const points = timeline.points.map((point) => ({ date: point.asOf, reported: point.reported.completion, verified: point.verified.completion, expected: point.expected }))
  // The last point is the day looked at, so the lines run up to it.
  if (detail.asOf >= start && (points.length === 0 || points[points.length - 1].date < detail.asOf)) {
    points.push({ date: detail.asOf, reported: detail.reported.completion, verified: detail.verified.completion, expected: detail.expected })
  }
  const series = (key) => points.map((point) => ({ date: point.date, value: point[key] }))
  return lineChart({
    start,
    end,
    label: t('timeline'),
    xTicks: monthTicks(start, end).map((tick) => ({ date: tick.date, label: monthLabel(tick.month) })),
    series: [
      { label: t('expected'), className: 'expected', points: series('expected') },
      { label: t('actual'), className: 'actual', points: series('reported'), step: true },
      { label: t('verified'), className: 'verified', points: series('verified'), step: true },
    ],
  })
}

const revisionsList = (detail) =>
  detail.revisions.length === 0
    ? null
    : section(t('revisions'), h('ul', { class: 'revisions' }, detail.revisions.map((revision) =>
      h('li', {}, `${t('from')} ${revision.effectiveFrom}: ${changesText(detail.definition, revision.changes)}`,
        h('div', { class: 'sub' }, `${t('reason')}: ${revision.reason} · ${t('authority')}: ${revision.authority}`),
        h('div', { class: 'sub' }, actor(revision.by), ' · ', instant(revision.at))))))

export const targetView = async ({ query, knownAt, href }, targetId) => {
  const path = `/v1/targets/${encodeURIComponent(targetId)}`
  const [detail, timeline, history] = await Promise.all([
    read(path, query),
    read(`${path}/timeline`, query),
    read(`${path}/history`, { limit: HISTORY_PAGE, knownAt }),
  ])
  const { definition } = detail
  const title = local(definition.title)
  const facts = h('dl', { class: 'facts' },
    h('dt', {}, t('zone')), h('dd', {}, h('a', { href: href(`/zones/${encodeURIComponent(definition.zoneId)}`) }, zoneName(definition.zoneId))),
    h('dt', {}, t('kind')), h('dd', { class: 'kind' }, kindLabel(definition.kind)),
    h('dt', {}, t('period')), h('dd', {}, `${definition.period.start} – ${definition.period.end}`),
    h('dt', {}, t('pacing')), h('dd', {}, t(definition.pacing)),
    h('dt', {}, t('valueGoal')), h('dd', { class: 'value' }, valueAgainstGoal(definition, detail.reported)),
    h('dt', {}, t('completion')), h('dd', { class: 'completion' }, percent(detail.reported.completion), meter(detail.reported.completion, detail.expected)),
    h('dt', {}, t('expected')), h('dd', { class: 'expected' }, percent(detail.expected)),
    h('dt', {}, t('verified')), h('dd', { class: 'verified' }, percent(detail.verified.completion)),
    h('dt', {}, t('status')), h('dd', {}, statusBadge(detail), detail.closedOn ? ` · ${t('closedOn')} ${detail.closedOn}` : ''),
    definition.kind === 'milestone'
      ? [h('dt', {}, t('stagesDone')), h('dd', {}, h('ul', { class: 'stages' }, definition.stages.map((stage) =>
        h('li', { class: detail.reported.doneStages.includes(stage.id) ? 'done' : null }, local(stage.title), stage.plannedBy ? ` (${stage.plannedBy})` : ''))))]
      : null,
  )
  const node = h('div', { class: 'stack' },
    h('a', { class: 'back', href: href(`/zones/${encodeURIComponent(definition.zoneId)}`) }, t('backToZone')),
    section(title, facts, h('blockquote', { class: 'source', lang: 'zh-CN' }, h('span', { class: 'muted' }, `${t('source')}: `), definition.source.quote)),
    section(t('timeline'), timeline.points.length === 0 && detail.asOf < definition.period.start ? h('p', { class: 'muted' }, t('noPoints')) : timelineChart(detail, timeline)),
    revisionsList(detail),
    section(`${t('reports')} (${detail.reports.length})`, reportsTable(detail)),
    h('section', { class: 'card audit-trail' }, h('h2', {}, t('audit')), auditTrail(`${path}/history`, history, knownAt)),
  )
  return { title, answer: null, node }
}

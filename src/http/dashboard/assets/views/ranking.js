// The rankings: every zone (or report chapter) by weighted completion against where it should be, with its traffic lights.
import { read } from '../api.js'
import { h } from '../dom.js'
import { local, t } from '../i18n.js'
import { lights, meter, percentCell, rememberZoneName, section } from './parts.js'

/** The two ways the API groups targets (DESIGN §5): what each ranking reads, links to and calls its rows. */
export const groupings = {
  zones: { api: '/v1/zones', list: 'zones', detail: 'zone', path: '/zones', home: '/', column: 'zone', title: 'ranking', tab: 'byZone' },
  chapters: { api: '/v1/chapters', list: 'chapters', detail: 'chapter', path: '/chapters', home: '/chapters', column: 'chapter', title: 'chapterRanking', tab: 'byChapter' },
}

/** By zone | by chapter: the ranking shown is the current page, the other a link. */
const tabs = (current, href) =>
  h('nav', { class: 'tabs', 'aria-label': t('groupBy') },
    [groupings.zones, groupings.chapters].map((grouping) =>
      grouping === current
        ? h('span', { class: 'tab', 'aria-current': 'page' }, t(grouping.tab))
        : h('a', { class: 'tab', href: href(grouping.home), 'data-grouping': grouping.list }, t(grouping.tab))))

const groupRanking = (grouping) => async ({ query, href }) => {
  const answer = await read(grouping.api, query)
  const groups = answer[grouping.list]
  if (grouping === groupings.zones) for (const zone of groups) rememberZoneName(zone.groupId, zone.name)
  const rows = groups.map((group) =>
    h('tr', { [`data-${grouping.detail}-id`]: group.groupId },
      h('td', { class: 'num rank' }, String(group.rank)),
      h('td', { class: 'name' }, h('a', { href: href(`${grouping.path}/${encodeURIComponent(group.groupId)}`) }, group.name ? local(group.name) : group.groupId)),
      h('td', { class: 'bar-cell' }, meter(group.completion, group.expected)),
      percentCell(group.completion, 'completion'),
      percentCell(group.expected, 'expected'),
      percentCell(group.verifiedCompletion, 'verified'),
      h('td', { class: 'lights-cell' }, lights(group.counts)),
      h('td', { class: 'num targets' }, String(group.targets)),
    ),
  )
  const table = h('table', { class: 'ranking' },
    h('thead', {}, h('tr', {},
      h('th', { class: 'num' }, t('rank')), h('th', {}, t(grouping.column)), h('th', {}, t('completion')),
      h('th', { class: 'num' }, t('completion')), h('th', { class: 'num' }, t('expected')), h('th', { class: 'num' }, t('verified')),
      h('th', {}, t('lights')), h('th', { class: 'num' }, t('targetCount')))),
    h('tbody', {}, rows),
  )
  const title = t(grouping.title)
  return { title, answer, node: section(title, h('p', { class: 'lede' }, t('subtitle')), tabs(grouping, href), h('div', { class: 'scroll' }, table)) }
}

export const rankingView = groupRanking(groupings.zones)
export const chapterRankingView = groupRanking(groupings.chapters)

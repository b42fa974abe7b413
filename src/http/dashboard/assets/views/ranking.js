// The zone ranking: every zone's weighted completion against where it should be, with its traffic lights.
import { read } from '../api.js'
import { h } from '../dom.js'
import { local, t } from '../i18n.js'
import { lights, meter, percentCell, rememberZoneName, section } from './parts.js'

export const rankingView = async ({ query, href }) => {
  const answer = await read('/v1/zones', query)
  for (const zone of answer.zones) rememberZoneName(zone.groupId, zone.name)
  const rows = answer.zones.map((zone) =>
    h('tr', { 'data-zone-id': zone.groupId },
      h('td', { class: 'num rank' }, String(zone.rank)),
      h('td', { class: 'name' }, h('a', { href: href(`/zones/${encodeURIComponent(zone.groupId)}`) }, zone.name ? local(zone.name) : zone.groupId)),
      h('td', { class: 'bar-cell' }, meter(zone.completion, zone.expected)),
      percentCell(zone.completion, 'completion'),
      percentCell(zone.expected, 'expected'),
      percentCell(zone.verifiedCompletion, 'verified'),
      h('td', { class: 'lights-cell' }, lights(zone.counts)),
      h('td', { class: 'num targets' }, String(zone.targets)),
    ),
  )
  const table = h('table', { class: 'ranking' },
    h('thead', {}, h('tr', {},
      h('th', { class: 'num' }, t('rank')), h('th', {}, t('zone')), h('th', {}, t('completion')),
      h('th', { class: 'num' }, t('completion')), h('th', { class: 'num' }, t('expected')), h('th', { class: 'num' }, t('verified')),
      h('th', {}, t('lights')), h('th', { class: 'num' }, t('targetCount')))),
    h('tbody', {}, rows),
  )
  return { title: t('ranking'), answer, node: section(t('ranking'), h('p', { class: 'lede' }, t('subtitle')), h('div', { class: 'scroll' }, table)) }
}

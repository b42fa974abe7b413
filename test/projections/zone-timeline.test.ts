// The zone timeline's dates: month-ends of the period up to asOf, then asOf itself.
import t from 'tap'
import { timelineDates } from '../../projections/zone-timeline.js'

const year = { start: '2023-01-01', end: '2023-12-31' }

t.test('month-ends up to asOf, then asOf when it is not a month-end', async (t) => {
  t.same(timelineDates([year], '2023-03-15'), ['2023-01-31', '2023-02-28', '2023-03-15'])
})

t.test('asOf on a month-end is not repeated', async (t) => {
  t.same(timelineDates([year], '2023-02-28'), ['2023-01-31', '2023-02-28'])
})

t.test('after the period, the twelve month-ends', async (t) => {
  t.equal(timelineDates([year], '2024-05-01').length, 12)
  t.equal(timelineDates([year], '2024-05-01').at(-1), '2023-12-31')
})

t.test('periods of several targets are joined', async (t) => {
  t.same(timelineDates([{ start: '2023-03-10', end: '2023-04-30' }, { start: '2023-04-01', end: '2023-05-31' }], '2023-12-31'), [
    '2023-03-31',
    '2023-04-30',
    '2023-05-31',
  ])
})

t.test('before the period starts, no point', async (t) => {
  t.same(timelineDates([year], '2022-12-31'), [])
  t.same(timelineDates([], '2023-06-30'), [])
})

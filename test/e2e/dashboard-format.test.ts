// The dashboard's number formatting, run in Node: i18n.js is a plain module (localStorage and document untouched on import).
import t from 'tap'

const assets = new URL('../../src/http/dashboard/assets/i18n.js', import.meta.url).href
const { number, percent } = (await import(assets)) as { number(value: number | null): string; percent(share: number | null): string }

t.test('a recorded value shows every decimal it was recorded with, grouped, and never a rounded lookalike', async (t) => {
  t.equal(number(5.500000000000001), '5.500000000000001', 'not "5.5" beside a breached limit of 5.5')
  t.equal(number(1234567.5), '1,234,567.5')
  t.equal(number(21.3), '21.3')
  t.equal(number(39), '39')
  t.equal(number(-3.25), '-3.25')
  t.equal(number(1e-7), '1e-7')
  t.equal(number(null), '—')
  t.equal(percent(0.4567), '45.7%', 'shares stay rounded: they are computed, not recorded')
})

import t from 'tap'
import { ConfigError, parseConfig } from '../src/config.js'

t.test('defaults describe the embedded service on port 3000', async (t) => {
  t.match(parseConfig({}), { PORT: 3000, DATA_DIR: './data', STORE: 'sqlite', TIME_ZONE: 'Asia/Shanghai', SEED: true })
})

t.test('a bad variable stops boot with a message naming it', async (t) => {
  t.throws(() => parseConfig({ PORT: 'eighty' }), { name: 'ConfigError', message: /PORT/ })
  t.throws(() => parseConfig({ TIME_ZONE: 'Mars/Olympus' }), { message: /TIME_ZONE/ })
  t.throws(() => parseConfig({ SEED: 'maybe' }), { message: /SEED/ })
})

t.test('STORE=esdb needs EVENTSTORE_URL', async (t) => {
  t.throws(() => parseConfig({ STORE: 'esdb' }), ConfigError)
  t.throws(() => parseConfig({ STORE: 'esdb' }), { message: /EVENTSTORE_URL/ })
  t.throws(() => parseConfig({ STORE: 'esdb', EVENTSTORE_URL: 'http://x:2113' }), { message: /EVENTSTORE_URL/ })
  t.match(parseConfig({ STORE: 'esdb', EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' }), { STORE: 'esdb' })
})

t.test('thresholds must be ordered', async (t) => {
  t.throws(() => parseConfig({ ON_TRACK_GAP: '0.4', LAGGING_GAP: '0.3' }), { message: /ON_TRACK_GAP/ })
})

t.test('IDEMPOTENCY_TTL is seconds or a duration, 24 hours by default, in milliseconds', async (t) => {
  t.equal(parseConfig({}).IDEMPOTENCY_TTL, 86_400_000)
  t.equal(parseConfig({ IDEMPOTENCY_TTL: '90' }).IDEMPOTENCY_TTL, 90_000)
  t.equal(parseConfig({ IDEMPOTENCY_TTL: '30m' }).IDEMPOTENCY_TTL, 1_800_000)
  t.equal(parseConfig({ IDEMPOTENCY_TTL: '7d' }).IDEMPOTENCY_TTL, 604_800_000)
  t.equal(parseConfig({ IDEMPOTENCY_TTL: '2 hours' }).IDEMPOTENCY_TTL, 7_200_000, 'the same units as RATE_LIMIT_WINDOW')
  t.throws(() => parseConfig({ IDEMPOTENCY_TTL: '0' }), { message: /IDEMPOTENCY_TTL/ })
  t.throws(() => parseConfig({ IDEMPOTENCY_TTL: '1w' }), { message: /IDEMPOTENCY_TTL/ })
})

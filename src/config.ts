// Environment parsed once at boot with zod; a bad variable stops the process with its name.
import { z } from 'zod'

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .transform((v) => v === 'true' || v === '1')

/** Milliseconds per unit of a duration variable. */
const durationUnits: Record<string, number> = {
  ms: 1,
  ...Object.fromEntries(['s', 'sec', 'second', 'seconds'].map((unit) => [unit, 1000])),
  ...Object.fromEntries(['m', 'min', 'minute', 'minutes'].map((unit) => [unit, 60_000])),
  ...Object.fromEntries(['h', 'hour', 'hours'].map((unit) => [unit, 3_600_000])),
  ...Object.fromEntries(['d', 'day', 'days'].map((unit) => [unit, 86_400_000])),
}

/**
 * One parser for every duration variable: a positive whole number with its unit (`500ms`, `30s`,
 * `1 minute`, `24h`, `7d`), parsed to milliseconds; a bare number counts in `bareUnit` where one is given.
 */
const duration = (fallback: string, bareUnit?: 's') =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const match = /^(\d+)\s*([a-z]*)$/i.exec(value.trim())
      const unit = match === null ? undefined : match[2] === '' ? bareUnit : match[2]!.toLowerCase()
      const perUnit = unit === undefined ? undefined : durationUnits[unit]
      if (match === null || perUnit === undefined || Number(match[1]) === 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a duration with its unit, e.g. 500ms, 30s, 1 minute, 24h, 7d${bareUnit ? ', or a number of seconds' : ''}`,
        })
        return z.NEVER
      }
      return Number(match[1]) * perUnit
    })

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  /** `sqlite`: the embedded store under DATA_DIR; `esdb`: EventStoreDB at EVENTSTORE_URL. */
  STORE: z.enum(['sqlite', 'esdb']).default('sqlite'),
  EVENTSTORE_URL: z
    .string()
    .regex(/^esdb(\+discover)?:\/\//, 'must be an esdb:// or esdb+discover:// connection string')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** JSON principals with sha256 token hashes (README "Authentication"); required when NODE_ENV=production. */
  PRINCIPALS_FILE: z
    .string()
    .optional()
    .transform((file) => (file === '' ? undefined : file)),
  /** Reads without a token; unset: true in demo mode (no PRINCIPALS_FILE, not production) or with DEMO_DATA, false otherwise. */
  PUBLIC_READ: booleanFlag.optional(),
  /** Requests per principal (or per address, without a token) in each RATE_LIMIT_WINDOW. */
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  /** A duration with its unit, e.g. `1 minute`, `30s`, `1h`; in milliseconds. */
  RATE_LIMIT_WINDOW: duration('1 minute'),
  /** Calendar days ("today", `asOf` defaults) are reckoned in the report's time zone. */
  TIME_ZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-CA', { timeZone: tz })
        return true
      } catch {
        return false
      }
    }, 'not an IANA time zone'),
  /** Seed the report's targets at start (idempotent). */
  SEED: booleanFlag.default(true),
  /** Load the synthetic demo history (`target-ledger demo`, default seed) at start, as `serve --demo-data` does. Never in production. */
  DEMO_DATA: booleanFlag.default(false),
  /** Status thresholds on the gap between expected and actual progress (DESIGN §2). */
  ON_TRACK_GAP: z.coerce.number().min(0).max(1).default(0.1),
  LAGGING_GAP: z.coerce.number().min(0).max(1).default(0.3),
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (rate limits per address, logs):
   * `false` (default: none), `true` (any), a hop count (`1`), or addresses/CIDRs (`10.0.0.0/8,127.0.0.1`).
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value): boolean | number | string => {
      const trimmed = value.trim()
      if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true'
      return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed
    })
    .refine((value) => value !== '', 'true, false, a hop count or a list of addresses'),
  /** Server-Sent Event streams (`/v1/events/stream`) open at once on this node; one more is a 503. */
  EVENT_STREAMS_MAX: z.coerce.number().int().min(1).default(100),
  /** How long a write waits for the read models to show it before answering anyway (read-your-writes, DESIGN §4). */
  READ_YOUR_WRITES_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  /** How long an Idempotency-Key is remembered: a duration (`90s`, `30m`, `24h`, `7d`) or a number of seconds; in milliseconds. */
  IDEMPOTENCY_TTL: duration('24h', 's'),
})

export type Config = Omit<z.output<typeof configSchema>, 'PUBLIC_READ'> & {
  /** Resolved: the variable when set, else whether the service runs in demo mode. */
  PUBLIC_READ: boolean
}

/** Demo mode: the demo principals (README "Authentication") stand in for a PRINCIPALS_FILE. Never in production. */
export const isDemoMode = (config: Pick<Config, 'PRINCIPALS_FILE' | 'NODE_ENV'>): boolean =>
  config.PRINCIPALS_FILE === undefined && config.NODE_ENV !== 'production'

export const principalsFileRequired =
  'PRINCIPALS_FILE: required when NODE_ENV=production (a JSON file of principals with sha256 token hashes, ' +
  'see README "Authentication"); the demo principals are never loaded in production'

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

export const parseConfig = (env: Record<string, string | undefined>): Config => {
  const result = configSchema.safeParse(env)
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`))
  }
  const config = result.data
  if (config.STORE === 'esdb' && config.EVENTSTORE_URL === undefined) {
    throw new ConfigError(['EVENTSTORE_URL: required when STORE=esdb (e.g. esdb://localhost:2113?tls=false)'])
  }
  if (config.ON_TRACK_GAP > config.LAGGING_GAP) {
    throw new ConfigError([`ON_TRACK_GAP (${config.ON_TRACK_GAP}) must not exceed LAGGING_GAP (${config.LAGGING_GAP})`])
  }
  if (config.NODE_ENV === 'production' && config.PRINCIPALS_FILE === undefined) {
    throw new ConfigError([principalsFileRequired])
  }
  if (config.NODE_ENV === 'production' && config.DEMO_DATA) {
    throw new ConfigError(['DEMO_DATA: the synthetic demo history is never loaded when NODE_ENV=production'])
  }
  return { ...config, PUBLIC_READ: config.PUBLIC_READ ?? (isDemoMode(config) || config.DEMO_DATA) }
}

// Environment parsed once at boot with zod; a bad variable stops the process with its name.
import { z } from 'zod'

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .transform((v) => v === 'true' || v === '1')

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
  /** Status thresholds on the gap between expected and actual progress (DESIGN §2). */
  ON_TRACK_GAP: z.coerce.number().min(0).max(1).default(0.1),
  LAGGING_GAP: z.coerce.number().min(0).max(1).default(0.3),
})

export type Config = z.output<typeof configSchema>

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
  return config
}

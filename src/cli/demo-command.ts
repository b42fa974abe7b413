// `target-ledger demo [--seed N]`: load a made-up, reproducible 2023 of progress into the store.
import { parseArgs } from 'node:util'
import type { Config } from '../config.js'
import { defaultDemoSeed, isDemoSeed } from '../ledger/demo-history.js'
import { DemoHistoryConflict, loadDemoData } from '../ledger/demo-loader.js'
import { openRuntime } from '../ledger/runtime.js'
import { consoleOutput, type CommandOutput } from './verify-command.js'

export const demoUsage = `usage: target-ledger demo [--seed N] [--help]

Loads a made-up year of progress into the store under DATA_DIR, for demonstrations and dashboard
work. Every command goes through the ledger, so every domain rule holds and every event is
hash-chained; each event is recorded at the time it pretends to happen (January 2023 to January
2024) and carries "synthetic": true in its metadata.

  - the report's 80 targets, defined on 16 January 2023 (the same events \`seed\` writes);
  - monthly reports by each zone's agency a few days after each month end (a few late, a few
    lower than the month before with a reason), milestone stages as they are done;
  - auditors' verdicts (auditor-a, auditor-b; about three reports in four), corrections by the
    agencies, rejected reports, one goal revision by the admin, one cancelled target and one
    closed as achieved.

The same seed always writes the same events, ids and hashes included: running it again appends
nothing. It refuses, appending nothing, while the demo is not fully loaded and the store holds
other events than the catalog seeding and this demo's own (real reports, or a demo of another
seed): use an empty DATA_DIR. Never with NODE_ENV=production. \`serve --demo-data\` (or
DEMO_DATA=true) loads the default seed before listening.

options:
  --seed N   the random seed, an integer from 0 to 4294967295 (default ${defaultDemoSeed})

Prints {store, seed, executed, present, appended, seededBefore, history} as JSON.
Exit status: 0 loaded (or already there), 1 refused, 2 bad arguments.`

/** The seed asked for, or 'help'. */
const parseDemoArgs = (args: string[]): number | 'help' => {
  const { values } = parseArgs({ args, options: { seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true })
  if (values.help === true) return 'help'
  if (values.seed === undefined) return defaultDemoSeed
  const seed = /^\d+$/.test(values.seed) ? Number(values.seed) : Number.NaN
  if (!isDemoSeed(seed)) throw new Error(`--seed must be an integer from 0 to 4294967295, not ${values.seed}`)
  return seed
}

export const runDemo = async (config: Config, args: string[], output: CommandOutput = consoleOutput): Promise<number> => {
  let seed: number
  try {
    const parsed = parseDemoArgs(args)
    if (parsed === 'help') {
      output.out(demoUsage)
      return 0
    }
    seed = parsed
  } catch (error) {
    output.err(`${error instanceof Error ? error.message : String(error)}\n\n${demoUsage}`)
    return 2
  }
  if (config.NODE_ENV === 'production') {
    output.err('demo: the synthetic demo history is never loaded when NODE_ENV=production')
    return 1
  }
  const { location, store, close } = openRuntime(config)
  try {
    const result = await loadDemoData(store, { seed, timeZone: config.TIME_ZONE })
    output.out(JSON.stringify({ store: location, ...result }, null, 2))
    if (result.seededBefore > 0) {
      output.err(
        `demo: ${result.seededBefore} target(s) were seeded before the demo, at their own time rather than January 2023; ` +
          'replays with knownAt before then leave them out. Load into an empty DATA_DIR for a fully backdated history.',
      )
    }
    return 0
  } catch (error) {
    if (!(error instanceof DemoHistoryConflict)) throw error
    output.err(`demo: ${error.message}`)
    return 1
  } finally {
    await close()
  }
}

// `target-ledger export zones|targets`: the CSV of GET /v1/exports/*.csv, from the read models, to a
// file or stdout — for the district office's spreadsheet without running the server.
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Config } from '../config.js'
import { targetsCsv, zonesCsv } from '../http/csv-exports.js'
import { instantSchema, isoDate } from '../ledger/event-schemas.js'
import { openRuntime } from '../ledger/runtime.js'
import type { ReplayOptions } from '../projector/read-model-queries.js'
import { consoleOutput, type CommandOutput } from './verify-command.js'

export const exportUsage = `usage: target-ledger export zones|targets [--as-of YYYY-MM-DD] [--known-at ISO-8601] [--out FILE]

Writes the zone ranking or the targets with their progress as CSV (UTF-8 with BOM, CRLF, zh and en
headers), exactly as GET /v1/exports/zones.csv and /targets.csv: --as-of is the day (default today in
TIME_ZONE), --known-at keeps only the events recorded up to that instant. The read models are brought
up to the log's head first. Without --out the CSV goes to stdout.
Exit status: 0 written, 2 bad arguments.`

export const runExport = async (config: Config, args: string[], output: CommandOutput = consoleOutput): Promise<number> => {
  let what: 'zones' | 'targets'
  let replay: ReplayOptions
  let out: string | undefined
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { 'as-of': { type: 'string' }, 'known-at': { type: 'string' }, out: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    })
    const [table, ...extra] = positionals
    if ((table !== 'zones' && table !== 'targets') || extra.length > 0) throw new Error('name one table: zones or targets')
    what = table
    const asOf = values['as-of']
    const knownAt = values['known-at']
    if (asOf !== undefined && !isoDate.safeParse(asOf).success) throw new Error(`--as-of must be a date YYYY-MM-DD, not ${asOf}`)
    if (knownAt !== undefined && !instantSchema.safeParse(knownAt).success) {
      throw new Error(`--known-at must be an ISO-8601 instant with an offset, not ${knownAt}`)
    }
    replay = { ...(asOf === undefined ? {} : { asOf }), ...(knownAt === undefined ? {} : { knownAt }) }
    out = values.out
  } catch (error) {
    output.err(`${error instanceof Error ? error.message : String(error)}\n\n${exportUsage}`)
    return 2
  }
  const runtime = openRuntime(config)
  try {
    await runtime.projector.start()
    const csv =
      what === 'zones' ? zonesCsv((await runtime.queries.listZones(replay)).zones) : targetsCsv((await runtime.queries.listTargets(replay)).targets)
    if (out === undefined) output.out(csv.replace(/\r\n$/, ''))
    else {
      writeFileSync(out, csv)
      output.err(`wrote ${out}`)
    }
    return 0
  } finally {
    await runtime.close()
  }
}

// `target-ledger rebuild [--only NAME,…]`: drops read models and replays the whole log into them, in
// the read-model database the server uses, with a progress bar (plain lines when not on a terminal).
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import { sqlProjections } from '../../projections/index.js'
import type { Config } from '../config.js'
import { openRuntime } from '../ledger/runtime.js'
import type { Progress, RebuildResult } from '../projector/projector.js'
import { consoleOutput, type CommandOutput } from './verify-command.js'

const projectionNames = sqlProjections.map((projection) => projection.name)

export const rebuildUsage = `usage: target-ledger rebuild [--only NAME[,NAME…]] [--help]

Drops the read models named (default: all of them: ${projectionNames.join(', ')}) and replays the
whole log into them; the others only catch up. Works on the read-model database the server uses:
the store's own file under DATA_DIR, or DATA_DIR/read-models.db with STORE=esdb.
A server left running on the same data keeps answering meanwhile, from the read models being rebuilt
(its answers carry the position they reflect), and carries on from the rebuilt ones afterwards: stop
it first if its answers must stay consistent. This command warns when one answers on HOST:PORT.
Exit status: 0 rebuilt, 1 failed, 2 bad arguments.`

export interface RebuildDisplay {
  /** Where the bar or the lines go. */
  stream: NodeJS.WritableStream & { isTTY?: boolean }
  /** Plain lines (not a terminal): at most one per this many ms. Default 5000. */
  everyMs?: number
}

const stdoutDisplay: RebuildDisplay = { stream: process.stdout }

const count = (n: number): string => Math.round(n).toLocaleString('en-US')

const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '?'
  const s = Math.round(seconds)
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}

/** How far a rebuild is: shares and ETA by position (EventStoreDB positions are not event counts), rates by events. */
const measure = ({ position, head, events, elapsedMs }: Progress) => {
  const share = head === 0n ? 1 : Number(position) / Number(head)
  const seconds = elapsedMs / 1000
  return {
    share: Math.min(share, 1),
    eventsPerSecond: seconds > 0 ? events / seconds : 0,
    etaSeconds: share > 0 ? (seconds * (1 - share)) / share : Number.POSITIVE_INFINITY,
  }
}

/** Reports progress: a cli-progress bar on a terminal, a plain line every few seconds elsewhere. */
const progressReporter = ({ stream, everyMs = 5000 }: RebuildDisplay) => {
  if (stream.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'rebuild [{bar}] {percentage}% | {events} events | {rate} events/s | ETA {remaining}',
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    )
    let started = false
    return {
      update(progress: Progress) {
        const { share, eventsPerSecond, etaSeconds } = measure(progress)
        // Not `eta`: cli-progress fills that token itself.
        const payload = { events: count(progress.events), rate: count(eventsPerSecond), remaining: duration(etaSeconds) }
        // Out of 1000 rather than by position: positions may exceed what a bar counts exactly.
        if (!started) bar.start(1000, 0, payload)
        started = true
        bar.update(Math.round(share * 1000), payload)
      },
      stop() {
        if (started) bar.stop()
      },
    }
  }
  let last = Number.NEGATIVE_INFINITY
  return {
    update(progress: Progress) {
      if (progress.elapsedMs - last < everyMs) return
      last = progress.elapsedMs
      const { share, eventsPerSecond, etaSeconds } = measure(progress)
      stream.write(
        `rebuild: ${count(progress.events)} events, ${(share * 100).toFixed(0)}%, ${count(eventsPerSecond)} events/s, ETA ${duration(etaSeconds)}\n`,
      )
    },
    stop() {},
  }
}

/** Whether something answers GET /health on HOST:PORT, the way `serve` would: a hint that a server uses this data. */
const serverAnswers = async (config: Pick<Config, 'HOST' | 'PORT'>): Promise<string | undefined> => {
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}`
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) })
    const body = (await response.json()) as { status?: unknown }
    return response.ok && body.status === 'ok' ? url : undefined
  } catch {
    return undefined
  }
}

export const summaryLine = ({ rebuilt, events, position, elapsedMs }: RebuildResult): string => {
  const seconds = elapsedMs / 1000
  const rate = seconds > 0 ? ` (${count(events / seconds)} events/s)` : ''
  const what = rebuilt.length === 0 ? 'nothing to rebuild' : `rebuilt ${rebuilt.join(', ')}`
  return `${what}: ${count(events)} events in ${seconds.toFixed(1)} s${rate}; read models at position ${position}`
}

export const runRebuild = async (
  config: Config,
  args: string[],
  output: CommandOutput = consoleOutput,
  display: RebuildDisplay = stdoutDisplay,
): Promise<number> => {
  let only: string[] | undefined
  try {
    const { values } = parseArgs({
      args,
      options: { only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    })
    if (values.help === true) {
      output.out(rebuildUsage)
      return 0
    }
    if (values.only !== undefined) {
      only = values.only.split(',').map((name) => name.trim()).filter((name) => name !== '')
      if (only.length === 0) throw new Error('--only needs at least one projection name')
      const unknown = only.filter((name) => !projectionNames.includes(name))
      if (unknown.length > 0) throw new Error(`unknown projection(s): ${unknown.join(', ')}; known: ${projectionNames.join(', ')}`)
    }
  } catch (error) {
    output.err(`${error instanceof Error ? error.message : String(error)}\n\n${rebuildUsage}`)
    return 2
  }

  const server = await serverAnswers(config)
  if (server !== undefined) {
    output.err(
      `warning: a server answers on ${server}, probably on this data: it keeps serving from the read models being rebuilt ` +
        'until this ends, then carries on from them. Stop it first if its answers must stay consistent.',
    )
  }
  const runtime = openRuntime(config)
  const progress = progressReporter(display)
  try {
    const result = await runtime.projector.rebuild({ ...(only === undefined ? {} : { only }), onProgress: (p) => progress.update(p) })
    progress.stop()
    output.out(summaryLine(result))
    return 0
  } catch (error) {
    progress.stop()
    output.err(`rebuild failed: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  } finally {
    await runtime.close()
  }
}

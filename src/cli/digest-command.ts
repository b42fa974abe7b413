// `target-ledger digest [--position N]`: print a ledger receipt (DESIGN §3) to keep outside the system.
import { parseArgs } from 'node:util'
import { DomainError } from '../../domain/errors.js'
import type { Config } from '../config.js'
import { receiptBody } from '../http/schemas/audit.js'
import { systemClock } from '../ledger/clock.js'
import { createReceipt } from '../ledger/ledger-digest.js'
import { openRuntime } from '../ledger/runtime.js'
import { consoleOutput, type CommandOutput } from './verify-command.js'

export const digestUsage = `usage: target-ledger digest [--position N]

Prints a receipt {position, digest, streams: [{streamId, revision, hash}], createdAt} as JSON: every
stream's head as of the log's head (or global position N) and their digest (README, "For auditors").
Every chain up to that position is verified first; a broken log gets no receipt.
Exit status: 0 printed, 1 the log is broken, 2 bad arguments or a position beyond the head.`

export const runDigest = async (config: Config, args: string[], output: CommandOutput = consoleOutput): Promise<number> => {
  let position: bigint | undefined
  try {
    const { values } = parseArgs({ args, options: { position: { type: 'string' } }, strict: true })
    if (values.position !== undefined) {
      if (!/^\d+$/.test(values.position)) throw new Error(`--position must be a global position (a non-negative integer), not ${values.position}`)
      position = BigInt(values.position)
    }
  } catch (error) {
    output.err(`${error instanceof Error ? error.message : String(error)}\n\n${digestUsage}`)
    return 2
  }
  const { store, close } = openRuntime(config)
  try {
    const receipt = await createReceipt(store, { ...(position === undefined ? {} : { position }), now: systemClock.now() })
    output.out(JSON.stringify(receiptBody(receipt), null, 2))
    return 0
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    output.err(JSON.stringify({ code: error.code, detail: error.message, ...error.details }, null, 2))
    return error.code === 'LEDGER.BROKEN' ? 1 : 2
  } finally {
    await close()
  }
}

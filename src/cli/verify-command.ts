// `target-ledger verify [--receipt FILE]`: check every hash chain, and that the log extends a kept receipt.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Config } from '../config.js'
import { receiptCheckBody, receiptSchema, parseReceipt, verificationBody } from '../http/schemas/audit.js'
import { verifyReceipt, type LedgerReceipt } from '../ledger/ledger-digest.js'
import { verifyLedger } from '../ledger/ledger-verification.js'
import { openRuntime } from '../ledger/runtime.js'

export const verifyUsage = `usage: target-ledger verify [--receipt FILE]

Walks every stream's hash chain and prints {ok, position, streams, events, firstBreak?, …} as JSON.
With --receipt (a receipt from \`target-ledger digest\` or GET /v1/audit/digest), also checks that the
log still extends it and prints {verification, receipt: {extends, receiptIntact, differences}}.
Exit status: 0 intact, 1 broken or not extending the receipt, 2 bad arguments or receipt file.`

export interface CommandOutput {
  out: (text: string) => void
  err: (text: string) => void
}

export const consoleOutput: CommandOutput = { out: (text) => console.log(text), err: (text) => console.error(text) }

const readReceipt = (file: string): LedgerReceipt => {
  const parsed = receiptSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) throw new Error(`${file} is not a receipt: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`)
  return parseReceipt(parsed.data)
}

export const runVerify = async (config: Config, args: string[], output: CommandOutput = consoleOutput): Promise<number> => {
  let receipt: LedgerReceipt | undefined
  try {
    const { values } = parseArgs({ args, options: { receipt: { type: 'string' } }, strict: true })
    if (values.receipt !== undefined) receipt = readReceipt(values.receipt)
  } catch (error) {
    output.err(`${error instanceof Error ? error.message : String(error)}\n\n${verifyUsage}`)
    return 2
  }
  const { store, close } = openRuntime(config)
  try {
    const verification = await verifyLedger(store)
    if (receipt === undefined) {
      output.out(JSON.stringify(verificationBody(verification), null, 2))
      return verification.ok ? 0 : 1
    }
    const check = await verifyReceipt(store, receipt)
    output.out(JSON.stringify({ verification: verificationBody(verification), receipt: receiptCheckBody(check) }, null, 2))
    return verification.ok && check.extends ? 0 : 1
  } finally {
    await close()
  }
}

// The audit routes' bodies (DESIGN §3, §5) as zod schemas with their OpenAPI descriptions, and the
// mapping from the ledger's results (bigints) to JSON (decimal strings); the CLI prints the same JSON.
import { z } from 'zod'
import type { ChainBreakReason } from '../../ledger/event-hash.js'
import type { LedgerReceipt, ReceiptCheck, ReceiptProblem } from '../../ledger/ledger-digest.js'
import type { LedgerBreak, LedgerVerification } from '../../ledger/ledger-verification.js'

export const decimal = z.string().regex(/^\d+$/)
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/)

/** Every reason, with what it tells an auditor; the record keeps the list complete. */
export const breakReasons: Record<ChainBreakReason, string> = {
  hash_mismatch: 'the event’s content (data, type or metadata such as the actor) no longer matches its hash: it was changed',
  prev_hash_mismatch: 'the event does not chain to the stream’s previous event: an event before it was removed and the rest renumbered',
  revision_gap: '`revision` is missing from the stream: that event was removed (or moved away)',
  revision_repeated: 'a revision the stream already had appears again (only where revisions are not kept unique)',
  metadata_missing: 'the event carries no `hash` / `prevHash`',
  event_moved: 'the event is intact but its hash was computed for `movedFrom`: it was moved or copied into this stream',
}
const breakReason = z.enum(Object.keys(breakReasons) as [ChainBreakReason, ...ChainBreakReason[]])
export const reasonList = Object.entries(breakReasons)
  .map(([reason, meaning]) => `\`${reason}\`: ${meaning}`)
  .join('; ')

export const breakSchema = z
  .object({
    stream: z.string(),
    revision: decimal.describe('The offending event’s revision; for `revision_gap`, the missing revision'),
    reason: breakReason,
    position: decimal.describe('Global position of the event at which the break showed'),
    movedFrom: z.object({ stream: z.string(), revision: decimal }).optional(),
  })
  .meta({ id: 'ChainBreak' })

export const verificationSchema = z
  .object({
    ok: z.boolean(),
    position: decimal.describe('The log was verified up to this global position (its head when the walk began)'),
    streams: z.number().int(),
    events: z.number().int(),
    firstBreak: breakSchema.optional().describe('The break at the lowest position'),
    brokenStreams: z.number().int(),
    breaks: z.array(breakSchema).describe('The first break of each broken stream, in position order, at most 100'),
  })
  .meta({ id: 'LedgerVerification' })

export const digestFormula =
  '`digest = hex(sha256(JCS({"position": position, "streams": streams})))` where JCS is RFC 8785 canonical JSON, ' +
  '`position` is the decimal string of the global position and `streams` is the list of ' +
  '`{"streamId", "revision", "hash"}` (revision as a decimal string) of every stream with events at or before ' +
  '`position`, each at its last event there, sorted by `streamId` (UTF-16 code units, as JCS sorts keys). Every value ' +
  'is a string, so the canonical form is the compact JSON with keys sorted: ' +
  '`jq -cjS "{position, streams: [.streams[] | {streamId, revision, hash}] | sort_by(.streamId)}" receipt.json | sha256sum` ' +
  'recomputes it. `createdAt` is not covered.'

export const receiptSchema = z
  .object({
    position: decimal.describe('Global position the receipt was taken at'),
    digest: sha256Hex.describe(digestFormula),
    streams: z
      .array(z.object({ streamId: z.string().min(1).max(200), revision: decimal, hash: sha256Hex }))
      .refine((streams) => new Set(streams.map((s) => s.streamId)).size === streams.length, 'lists a stream twice'),
    createdAt: z.iso.datetime({ offset: true }).optional().describe('When it was issued (not covered by the digest)'),
  })
  .meta({ id: 'LedgerReceipt' })

export const receiptProblems: Record<ReceiptProblem, string> = {
  stream_missing: 'the stream has no event left at or before the receipt’s position',
  truncated: 'the stream now ends before the receipt’s revision (`current` is where it ends)',
  rewritten:
    'the chain breaks at or before the receipt’s revision (`current.reason`), or the event at that revision now has another hash (a recomputed chain)',
  backdated:
    'events at or before the receipt’s position that the receipt does not account for: a stream it does not list, or revisions past the one it lists',
}
const receiptProblem = z.enum(Object.keys(receiptProblems) as [ReceiptProblem, ...ReceiptProblem[]])

export const receiptCheckSchema = z
  .object({
    extends: z.boolean().describe('The log up to the receipt’s position is exactly what the receipt describes, and the receipt is intact'),
    receiptIntact: z.boolean().describe('The receipt’s digest matches its own position and streams; false: the receipt was altered'),
    headPosition: decimal.describe('The log’s head when the check began'),
    differences: z.array(
      z.object({
        streamId: z.string(),
        problem: receiptProblem,
        receipt: z.object({ revision: decimal, hash: sha256Hex }).optional(),
        current: z.object({ revision: decimal, hash: sha256Hex.optional(), reason: breakReason.optional() }).optional(),
      }),
    ),
  })
  .meta({ id: 'ReceiptCheck' })

const breakBody = (at: LedgerBreak): z.output<typeof breakSchema> => ({
  stream: at.streamId,
  revision: at.revision.toString(),
  reason: at.reason,
  position: at.position.toString(),
  ...(at.movedFrom === undefined ? {} : { movedFrom: { stream: at.movedFrom.streamId, revision: at.movedFrom.revision.toString() } }),
})

export const verificationBody = (result: LedgerVerification): z.output<typeof verificationSchema> => ({
  ok: result.ok,
  position: result.position.toString(),
  streams: result.streams,
  events: result.events,
  ...(result.firstBreak === undefined ? {} : { firstBreak: breakBody(result.firstBreak) }),
  brokenStreams: result.brokenStreams,
  breaks: result.breaks.map(breakBody),
})

export const receiptBody = (receipt: LedgerReceipt): z.output<typeof receiptSchema> => ({
  position: receipt.position.toString(),
  digest: receipt.digest,
  streams: receipt.streams.map((s) => ({ streamId: s.streamId, revision: s.revision.toString(), hash: s.hash })),
  ...(receipt.createdAt === undefined ? {} : { createdAt: receipt.createdAt }),
})

export const parseReceipt = (body: z.output<typeof receiptSchema>): LedgerReceipt => ({
  position: BigInt(body.position),
  digest: body.digest,
  streams: body.streams.map((s) => ({ streamId: s.streamId, revision: BigInt(s.revision), hash: s.hash })),
  ...(body.createdAt === undefined ? {} : { createdAt: body.createdAt }),
})

export const receiptCheckBody = (check: ReceiptCheck): z.output<typeof receiptCheckSchema> => ({
  extends: check.extends,
  receiptIntact: check.receiptIntact,
  headPosition: check.headPosition.toString(),
  differences: check.differences.map((d) => ({
    streamId: d.streamId,
    problem: d.problem,
    ...(d.receipt === undefined ? {} : { receipt: { revision: d.receipt.revision.toString(), hash: d.receipt.hash } }),
    ...(d.current === undefined
      ? {}
      : {
          current: {
            revision: d.current.revision.toString(),
            ...(d.current.hash === undefined ? {} : { hash: d.current.hash }),
            ...(d.current.reason === undefined ? {} : { reason: d.current.reason }),
          },
        }),
  })),
})

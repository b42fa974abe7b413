// Ledger digests (DESIGN §3): a receipt of every stream's head an auditor keeps outside the system,
// and the check that the log as it is now still extends a receipt.
import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import { DomainError } from '../../domain/errors.js'
import type { EventStore } from '../store/event-store.js'
import type { ChainBreakReason } from './event-hash.js'
import { ChainWalker, walkLog, type LedgerBreak } from './ledger-verification.js'

export interface StreamHead {
  streamId: string
  revision: bigint
  hash: string
}

export interface LedgerReceipt {
  /** The global position the receipt is taken at: every event up to it, none after. */
  position: bigint
  /** `ledgerDigest(position, streams)`. */
  digest: string
  /** Every stream that has events at or before `position`, with its last revision and hash there, by streamId. */
  streams: StreamHead[]
  /** When the receipt was issued; not covered by the digest. */
  createdAt?: string
}

export const auditErrors = {
  ledgerBroken: (at: LedgerBreak) =>
    new DomainError(
      'LEDGER.BROKEN',
      'conflict',
      `the hash chain of ${at.streamId} breaks at revision ${at.revision} (${at.reason}): no receipt is issued for a broken log`,
      { stream: at.streamId, revision: at.revision.toString(), reason: at.reason, position: at.position.toString() },
    ),
  positionAhead: (position: bigint, head: bigint) =>
    new DomainError('LEDGER.POSITION_AHEAD', 'rule', `position ${position} is beyond the log's head ${head}`, {
      position: position.toString(),
      headPosition: head.toString(),
    }),
}

const byStreamId = (a: { streamId: string }, b: { streamId: string }): number =>
  a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0

/**
 * digest = hex(sha256(JCS({ position, streams }))) where JCS is RFC 8785 canonical JSON, `position`
 * is the decimal string of the position, and `streams` is the list of `{ streamId, revision, hash }`
 * (revision as a decimal string) sorted by streamId in UTF-16 code unit order, as JCS sorts keys.
 * Every value is a string, so the canonical form is simply the compact JSON with keys sorted.
 */
export const ledgerDigest = (position: bigint, streams: readonly StreamHead[]): string => {
  const canonical = canonicalize({
    position: position.toString(),
    streams: [...streams]
      .sort(byStreamId)
      .map(({ streamId, revision, hash }) => ({ streamId, revision: revision.toString(), hash })),
  })
  return createHash('sha256')
    .update(canonical ?? '')
    .digest('hex')
}

export interface ReceiptOptions {
  /** Default: the log's head now. */
  position?: bigint
  now: Date
}

/**
 * Walks the log up to the position, verifying every chain on the way: a receipt vouches for heads
 * whose history verifies, so a broken log gets none (`LEDGER.BROKEN`).
 */
export const createReceipt = async (store: EventStore, { position, now }: ReceiptOptions): Promise<LedgerReceipt> => {
  const head = await store.headPosition()
  if (position !== undefined && position > head) throw auditErrors.positionAhead(position, head)
  const at = position ?? head
  const walker = new ChainWalker()
  await walkLog(store, walker, { toPosition: at })
  const firstBreak = walker.breaks[0]
  if (firstBreak !== undefined) throw auditErrors.ledgerBroken(firstBreak)
  const streams: StreamHead[] = []
  for (const [streamId, { head: last }] of walker.heads()) {
    if (last !== undefined) streams.push({ streamId, revision: last.revision, hash: last.hash })
  }
  streams.sort(byStreamId)
  return { position: at, digest: ledgerDigest(at, streams), streams, createdAt: now.toISOString() }
}

/**
 * - `stream_missing`: the stream has no event left at or before the receipt's position.
 * - `truncated`: it ends before the receipt's revision (`current` is where it ends now).
 * - `rewritten`: its chain breaks at or before the receipt's revision (`current.reason`), or its
 *   event at that revision now has another hash (the chain was recomputed over changed events).
 * - `backdated`: events at or before the receipt's position that the receipt does not account for:
 *   a stream it does not list, or revisions past the one it lists (inserted or moved into the past).
 */
export type ReceiptProblem = 'stream_missing' | 'truncated' | 'rewritten' | 'backdated'

export interface ReceiptDifference {
  streamId: string
  problem: ReceiptProblem
  /** What the receipt says; absent for a stream it does not list. */
  receipt?: { revision: bigint; hash: string }
  /** What the log says as of the receipt's position; absent for a missing stream. */
  current?: { revision: bigint; hash?: string; reason?: ChainBreakReason }
}

export interface ReceiptCheck {
  /** The log up to the receipt's position is exactly what the receipt describes, and the receipt is intact. */
  extends: boolean
  /** The receipt's digest matches its own position and streams: false means the receipt itself was altered. */
  receiptIntact: boolean
  /** The log's head when the check started. */
  headPosition: bigint
  /** By streamId. */
  differences: ReceiptDifference[]
}

/**
 * Rebuilds every stream's head as of the receipt's position, verifying each chain up to it, and
 * compares with the receipt. Events after the receipt's position are the log's growth and are not
 * compared. Memory: the receipt plus the walker's per-stream heads.
 */
export const verifyReceipt = async (store: EventStore, receipt: LedgerReceipt): Promise<ReceiptCheck> => {
  const receiptIntact = ledgerDigest(receipt.position, receipt.streams) === receipt.digest
  const listed = new Map(receipt.streams.map((head) => [head.streamId, head]))
  const hashAtListed = new Map<string, string>()
  const headPosition = await store.headPosition()
  const walker = new ChainWalker()
  await walkLog(store, walker, {
    toPosition: receipt.position,
    onEvent: (event, w) => {
      const expected = listed.get(event.streamId)
      const head = w.headOf(event.streamId)
      if (expected?.revision === event.revision && head?.revision === event.revision) hashAtListed.set(event.streamId, head.hash)
    },
  })

  const differences: ReceiptDifference[] = []
  const current = new Map(walker.heads())
  for (const expected of receipt.streams) {
    const receiptSide = { revision: expected.revision, hash: expected.hash }
    const difference = (problem: ReceiptProblem, now?: ReceiptDifference['current']): void => {
      differences.push({ streamId: expected.streamId, problem, receipt: receiptSide, ...(now === undefined ? {} : { current: now }) })
    }
    const state = current.get(expected.streamId)
    if (state === undefined) {
      difference('stream_missing')
      continue
    }
    const { head, broken } = state
    if (broken !== undefined && broken.revision <= expected.revision) {
      difference('rewritten', { revision: broken.revision, reason: broken.reason })
    } else if (head === undefined || head.revision < expected.revision) {
      difference('truncated', head === undefined ? undefined : { revision: head.revision, hash: head.hash })
    } else if (hashAtListed.get(expected.streamId) !== expected.hash) {
      difference('rewritten', { revision: expected.revision, hash: hashAtListed.get(expected.streamId)! })
    } else if (broken !== undefined) {
      difference('backdated', { revision: broken.revision, reason: broken.reason })
    } else if (head.revision > expected.revision) {
      difference('backdated', { revision: head.revision, hash: head.hash })
    }
  }
  for (const [streamId, { head, broken }] of current) {
    if (listed.has(streamId)) continue
    const now = broken !== undefined ? { revision: broken.revision, reason: broken.reason } : { revision: head!.revision, hash: head!.hash }
    differences.push({ streamId, problem: 'backdated', current: now })
  }
  differences.sort(byStreamId)
  return { extends: receiptIntact && differences.length === 0, receiptIntact, headPosition, differences }
}

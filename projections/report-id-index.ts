// Report ids by target, in memory, as 32-bit hashes: how the target summary finds a report's row
// without an index on the id. Ids are random (UUIDs minted by the write API), and a B-tree of random
// keys dirties a page for nearly every row inserted; rows keyed by their place in the log are
// appended instead. A hash may stand for several ids: the caller reads each candidate row and
// compares the id itself, so a collision costs a row read, never a wrong answer.

/** 32-bit FNV-1a over the id's UTF-16 code units; never 0, which marks a free slot. */
export const hashReportId = (id: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193)
  return hash >>> 0 || 1
}

/** One target's ids: open addressing with linear probing, at most half full. About 24 bytes per id. */
export class IdHashes {
  #hashes: Uint32Array
  #seqs: BigInt64Array
  #size = 0

  constructor(capacity = 16) {
    let slots = 16
    while (slots < capacity * 2) slots *= 2
    this.#hashes = new Uint32Array(slots)
    this.#seqs = new BigInt64Array(slots)
  }

  get size(): number {
    return this.#size
  }

  /** Records that the row at `seq` holds an id of hash `hash` (from `hashReportId`). */
  add(hash: number, seq: bigint): void {
    if ((this.#size + 1) * 2 > this.#hashes.length) this.#grow()
    this.#put(hash, seq)
    this.#size += 1
  }

  /** The rows whose id may have this hash, in the order added. */
  candidates(hash: number): bigint[] {
    const found: bigint[] = []
    const mask = this.#hashes.length - 1
    for (let slot = hash & mask; this.#hashes[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.#hashes[slot] === hash) found.push(this.#seqs[slot]!)
    }
    return found
  }

  #put(hash: number, seq: bigint): void {
    const mask = this.#hashes.length - 1
    let slot = hash & mask
    while (this.#hashes[slot] !== 0) slot = (slot + 1) & mask
    this.#hashes[slot] = hash
    this.#seqs[slot] = seq
  }

  #grow(): void {
    const hashes = this.#hashes
    const seqs = this.#seqs
    this.#hashes = new Uint32Array(hashes.length * 2)
    this.#seqs = new BigInt64Array(seqs.length * 2)
    for (let slot = 0; slot < hashes.length; slot += 1) if (hashes[slot] !== 0) this.#put(hashes[slot]!, seqs[slot]!)
  }
}

/**
 * The ids of the targets touched lately, each loaded whole on first use (`load` reads a target's
 * `[seq, id]` pairs as last committed). Holds at most `limit` ids: past it, the targets least
 * recently used are dropped, to be loaded again if asked for.
 */
export class ReportIdIndex<Key> {
  readonly #targets = new Map<Key, IdHashes>()
  readonly #load: (key: Key) => Iterable<readonly [seq: bigint, reportId: string]>
  #ids = 0

  /** `limit`: 2,000,000 ids by default, some 50 MB. */
  constructor(load: (key: Key) => Iterable<readonly [seq: bigint, reportId: string]>, readonly limit = 2_000_000) {
    this.#load = load
  }

  /** The rows of `key`'s target whose id may be `reportId`, as last committed (plus what `add` recorded since). */
  candidates(key: Key, reportId: string): bigint[] {
    return this.#of(key).candidates(hashReportId(reportId))
  }

  /**
   * Records a row committed with `reportId`. A target not loaded is left so: loading it reads the
   * row from the table.
   */
  add(key: Key, reportId: string, seq: bigint): void {
    const hashes = this.#targets.get(key)
    if (hashes === undefined) return
    hashes.add(hashReportId(reportId), seq)
    this.#ids += 1
    this.#trim(key)
  }

  #of(key: Key): IdHashes {
    let hashes = this.#targets.get(key)
    if (hashes !== undefined) {
      // Most recently used last: Map keeps insertion order.
      this.#targets.delete(key)
    } else {
      hashes = new IdHashes()
      for (const [seq, reportId] of this.#load(key)) hashes.add(hashReportId(reportId), seq)
      this.#ids += hashes.size
    }
    this.#targets.set(key, hashes)
    this.#trim(key)
    return hashes
  }

  /** Drops the least recently used targets, never `keep`, until at most `limit` ids are held. */
  #trim(keep: Key): void {
    for (const [key, hashes] of this.#targets) {
      if (this.#ids <= this.limit) return
      if (key === keep) continue
      this.#targets.delete(key)
      this.#ids -= hashes.size
    }
  }
}

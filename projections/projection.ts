// The shape every projection shares: the events it handles, a pure evolve, a version; and the port its
// SQL mapping is written against (better-sqlite3's Database satisfies it structurally).
import type { TargetEventType } from '../domain/index.js'
import type { ProjectedEvent } from './projected-event.js'

export interface ProjectionInfo {
  /** Stable: the checkpoint is stored under it. */
  readonly name: string
  /**
   * Covers both evolve and the SQL mapping: change either (a rule, a column, an index) and bump it,
   * and the projector drops and replays the projection on its next start.
   */
  readonly version: number
  readonly handles: readonly TargetEventType[]
}

export interface Projection<Doc> extends ProjectionInfo {
  /** Pure: the document after `event`. Events are facts, so evolve never throws. */
  evolve(doc: Doc, event: ProjectedEvent): Doc
}

export type SqlValue = null | number | bigint | string

/** Values of named parameters (`@name`). */
export type SqlParams = Readonly<Record<string, SqlValue>>

export interface SqlStatement {
  run(...params: SqlValue[] | [SqlParams]): unknown
  get(...params: SqlValue[] | [SqlParams]): unknown
  all(...params: SqlValue[] | [SqlParams]): unknown[]
  /** Integers come back as bigint: positions may exceed 2^53 (EventStoreDB commit positions). */
  safeIntegers(toggle?: boolean): SqlStatement
}

export interface SqlDatabase {
  exec(sql: string): unknown
  prepare(sql: string): SqlStatement
}

/** Applies events to one projection's rows; the projector commits them with the checkpoint. */
export interface ProjectionBatch {
  /**
   * Called for each event in order, in a read transaction or the batch's own: may read rows, keeps
   * what it would write in memory. Rows read are as last committed (the projector is their only
   * writer, and checks when it commits that no other connection moved its checkpoint meanwhile).
   */
  apply(event: ProjectedEvent): void
  /**
   * Writes what `apply` kept in memory, inside the batch's transaction. Called again, with nothing
   * applied in between, when the transaction is retried after a rollback.
   */
  flush(): void
  /**
   * Called once the transaction holding `flush` has committed (never after a rollback): from here on
   * the rows written may be kept in memory for later batches of the same writer. The projector
   * prepares its writers afresh whenever another connection may have changed the rows.
   */
  committed?(): void
}

/** A projection with its SQL mapping: the tables it owns and how events become rows. */
export interface SqlProjection extends ProjectionInfo {
  /** DDL creating the tables and indexes, run (after dropping `tables`) when the projection is (re)built. */
  readonly schema: readonly string[]
  readonly tables: readonly string[]
  /** Prepares statements once; `batch()` is then called for every batch of events. */
  prepare(db: SqlDatabase): { batch(): ProjectionBatch }
}

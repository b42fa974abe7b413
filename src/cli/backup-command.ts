// `target-ledger backup --out FILE`: a consistent copy of the embedded store's file, taken while the
// server runs, synced to disk, then checked: every hash chain of the copy is walked and its receipt printed.
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { DomainError } from '../../domain/errors.js'
import type { Config } from '../config.js'
import { systemClock } from '../ledger/clock.js'
import { createReceipt } from '../ledger/ledger-digest.js'
import { openSqliteDatabase } from '../store/sqlite-database.js'
import { openSqliteEventStore } from '../store/sqlite-event-store.js'
import { consoleOutput, type CommandOutput } from './verify-command.js'

export const backupUsage = `usage: target-ledger backup --out FILE

Copies DATA_DIR/ledger.db (the events, the read models and the Idempotency-Key records) to FILE as one
consistent snapshot, while a running server goes on writing: SQLite's VACUUM INTO, in a single read
transaction. The copy is synced to disk before it takes its name, then every hash chain in it is
walked, and {file, bytes, position, streams, digest} is printed: the copy's receipt at its head, the
same digest GET /v1/audit/digest?position=<position> gives for the live ledger.
To restore: stop the server, put the copy in place of DATA_DIR/ledger.db (removing ledger.db-wal and
ledger.db-shm), start it. With STORE=esdb the log is EventStoreDB's: back it up with its own tools.
Exit status: 0 copied and intact, 1 the copy's chains do not verify, 2 bad arguments, FILE exists,
no store under DATA_DIR, or STORE=esdb.`

/** Flushes a file or a directory entry to disk. */
const sync = (path: string) => {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

export const runBackup = async (config: Config, args: string[], output: CommandOutput = consoleOutput): Promise<number> => {
  let out: string
  try {
    const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true })
    if (values.out === undefined || values.out === '') throw new Error('--out FILE is required')
    out = values.out
  } catch (error) {
    output.err(`${error instanceof Error ? error.message : String(error)}\n\n${backupUsage}`)
    return 2
  }
  const refuse = (why: string) => {
    output.err(why)
    return 2
  }
  if (config.STORE === 'esdb') return refuse('with STORE=esdb the event log is in EventStoreDB: back it up with its own tools (the read models here are rebuilt from it)')
  const source = join(config.DATA_DIR, 'ledger.db')
  if (!existsSync(source)) return refuse(`no store at ${source}`)
  if (existsSync(out)) return refuse(`${out} exists: a backup never overwrites a file`)

  // Written under a temporary name and renamed once synced: FILE is either absent or complete.
  const partial = `${out}.partial-${process.pid}`
  rmSync(partial, { force: true })
  const db = openSqliteDatabase(source)
  try {
    db.prepare('VACUUM INTO ?').run(partial)
  } catch (error) {
    rmSync(partial, { force: true })
    throw error
  } finally {
    db.close()
  }
  sync(partial)
  renameSync(partial, out)
  sync(dirname(out))
  const bytes = statSync(out).size

  const store = openSqliteEventStore({ file: out })
  try {
    const receipt = await createReceipt(store, { now: systemClock.now() })
    output.out(
      JSON.stringify(
        { file: out, bytes, position: receipt.position.toString(), streams: receipt.streams.length, digest: receipt.digest },
        null,
        2,
      ),
    )
    return 0
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    output.err(JSON.stringify({ file: out, code: error.code, detail: error.message, ...error.details }, null, 2))
    return 1
  } finally {
    await store.close()
  }
}

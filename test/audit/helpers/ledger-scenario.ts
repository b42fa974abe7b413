// A small history written through the real HTTP app, the audit endpoints called as an auditor, and
// tampering done the way an intruder would: SQL on the SQLite file over a second connection.
import Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import { targetStreamId } from '../../../src/ledger/target-ledger.js'
import { bearer } from '../../helpers/app.js'

export const introduced = 'qingdao-etdz-projects-introduced'
export const advanced = 'qingdao-etdz-key-projects-advanced'
export const completed = 'qingdao-etdz-projects-completed'

/** Streams of the scenario: X has revisions 0–3, Y 0–1, Z only its definition. */
export const X = targetStreamId(introduced)
export const Y = targetStreamId(advanced)
export const Z = targetStreamId(completed)

const report = async (app: FastifyInstance, targetId: string, asOf: string, value: number): Promise<void> => {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/targets/${targetId}/reports`,
    headers: bearer('agency-qingdao-etdz'),
    payload: { asOf, value },
  })
  if (res.statusCode !== 201) throw new Error(`report to ${targetId} answered ${res.statusCode}: ${res.body}`)
}

/** X: 5, (Y: 10), 8, 12 — so X's revision 2 is appended after Y's revision 1. */
export const givenReports = async (app: FastifyInstance): Promise<void> => {
  await report(app, introduced, '2023-03-31', 5)
  await report(app, advanced, '2023-06-30', 10)
  await report(app, introduced, '2023-04-30', 8)
  await report(app, introduced, '2023-05-31', 12)
}

/** Runs SQL against the ledger file on its own connection, as something outside the app would. */
export const tamper = (file: string, sql: string, ...params: unknown[]): number => {
  const db = new Database(file)
  try {
    return db.prepare(sql).run(...params).changes
  } finally {
    db.close()
  }
}

export interface ReceiptJson {
  position: string
  digest: string
  streams: { streamId: string; revision: string; hash: string }[]
  createdAt?: string
}

const asAuditor = bearer('auditor-a')

export const verify = async (app: FastifyInstance) => {
  const res = await app.inject({ method: 'GET', url: '/v1/audit/verify', headers: asAuditor })
  if (res.statusCode !== 200) throw new Error(`verify answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

export const digest = async (app: FastifyInstance, query = ''): Promise<ReceiptJson> => {
  const res = await app.inject({ method: 'GET', url: `/v1/audit/digest${query}`, headers: asAuditor })
  if (res.statusCode !== 200) throw new Error(`digest answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

export const checkReceipt = async (app: FastifyInstance, receipt: ReceiptJson) => {
  const res = await app.inject({ method: 'POST', url: '/v1/audit/digest/verify', headers: asAuditor, payload: receipt })
  if (res.statusCode !== 200) throw new Error(`digest/verify answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

export const headOf = (receipt: ReceiptJson, streamId: string): { revision: string; hash: string } => {
  const head = receipt.streams.find((s) => s.streamId === streamId)
  if (head === undefined) throw new Error(`${streamId} is not in the receipt`)
  return { revision: head.revision, hash: head.hash }
}

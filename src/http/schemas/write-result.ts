// The answer to every write: what was appended, built only from the ledger's WriteResult so that a
// retried request is answered byte for byte as the first time.
import { z } from 'zod'
import type { WriteResult } from '../../ledger/target-ledger.js'

const decimal = z.string().regex(/^\d+$/)

export const writeResultSchema = z
  .object({
    targetId: z.string(),
    revision: decimal.describe('The target stream’s revision after the write, as sent in the ETag'),
    position: decimal.describe('Global position of the write’s last event'),
    reportId: z.string().optional().describe('The report a progress report created or a correction/verdict concerned'),
    events: z.array(z.object({ id: z.uuid(), type: z.string(), revision: decimal })),
  })
  .meta({ id: 'WriteResult' })

export type WriteResultBody = z.output<typeof writeResultSchema>

export const writeResultBody = (result: WriteResult): WriteResultBody => {
  const data = result.events[0]?.data
  const reportId = data !== null && typeof data === 'object' && !Array.isArray(data) ? data['reportId'] : undefined
  return {
    targetId: result.targetId,
    revision: result.revision.toString(),
    position: result.position.toString(),
    ...(typeof reportId === 'string' ? { reportId } : {}),
    events: result.events.map((event) => ({ id: event.id, type: event.type, revision: event.revision.toString() })),
  }
}

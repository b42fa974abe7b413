// Metadata every event carries (DESIGN §3), its zod schema for reading back, and the builder for appends.
import { z } from 'zod'
import { roles } from '../../domain/target.js'

export const eventSchemaVersion = 1

export const actorSchema = z.object({
  id: z.string().min(1),
  role: z.enum(roles),
  zones: z.array(z.string()).optional(),
})

export const eventMetadataSchema = z.object({
  actor: actorSchema,
  recordedAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1),
  causationId: z.string().optional(),
  idempotencyKey: z.string().optional(),
  /**
   * Present (always `true`) on events made up by `target-ledger demo` rather than reported by anyone:
   * their values, the actions and `recordedAt` are synthetic. Covered by the hash like every field, so
   * removing the marker breaks the chain like any other edit. Absent on real events.
   */
  synthetic: z.literal(true).optional(),
  schemaVersion: z.number().int().positive(),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
})

export type EventMetadata = z.output<typeof eventMetadataSchema>

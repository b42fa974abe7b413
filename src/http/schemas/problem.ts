// The problem+json (RFC 9457) body as an OpenAPI response, for every route's error statuses.
import { z } from 'zod'

export const problemSchema = z
  .object({
    type: z.string().describe('A URI naming the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('Stable machine-readable code, e.g. TARGET.CLOSED'),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe('Field errors, e.g. path `body.asOf`'),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .meta({ id: 'Problem' })

export const problemResponses = <S extends number>(...statuses: S[]): Record<S, typeof problemSchema> =>
  Object.fromEntries(statuses.map((status) => [status, problemSchema])) as Record<S, typeof problemSchema>

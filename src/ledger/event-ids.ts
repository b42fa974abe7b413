// Event ids derived from a request's idempotency key, so a retried request maps to the same ids
// and the store's own idempotency (same ids at the same expected revision) backs up the HTTP layer.
import { v5 as uuidv5 } from 'uuid'

/** A fixed namespace for this service's name-based (v5) UUIDs. */
const namespace = '6f1c2d0e-8a4b-5c3d-9e7f-1a2b3c4d5e6f'

export const deterministicEventId = (scope: string, key: string, index: number): string =>
  uuidv5(`${scope}\u0000${key}\u0000${index}`, namespace)

/**
 * What a request's ids are derived from: its Idempotency-Key and, where the HTTP layer gives one, the
 * fingerprint of what it asked. A retry (same key, same request) gets the same ids; the key sent with
 * another request once its record has expired gets new ones, so that request is a write of its own,
 * neither answered with the first one's result nor refused for clashing with its ids.
 */
export const idempotencySeed = (key: string, fingerprint: string | undefined): string =>
  fingerprint === undefined ? key : `${key}\u0000${fingerprint}`

// Who is calling: the authenticated principal every handler sees as `request.principal`.
import type { Actor, Role } from '../../domain/target.js'

export interface Principal {
  id: string
  name: string
  role: Role
  /** Zones an agency may report for; empty for other roles. */
  zones: readonly string[]
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Null only on routes that do not need authentication (public reads, health, docs). */
    principal: Principal | null
  }
}

/** The domain's view of a principal. */
export const actorOf = (principal: Principal): Actor => ({ id: principal.id, role: principal.role, zones: principal.zones })

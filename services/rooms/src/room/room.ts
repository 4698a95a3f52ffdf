import { DurableObject } from 'cloudflare:workers'

/**
 * One Durable Object per room, addressed by room name. Its state and protocol arrive with the
 * rooms issue; for now it answers a storage round-trip so health checks prove SQLite works.
 */
export class Room extends DurableObject<RoomsEnv> {
  async ping(): Promise<number> {
    const row = this.ctx.storage.sql.exec<{ one: number }>('SELECT 1 AS one').one()
    return row.one
  }
}

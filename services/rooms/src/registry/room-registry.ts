import type { LiveRoom } from '@tangerine/contracts/ops/api'
import { DurableObject } from 'cloudflare:workers'
import type { LiveSummary } from './live-summary.ts'

/** The one registry object's name: there is a single list of live rooms. */
export const REGISTRY_NAME = 'live-rooms'

/**
 * Rooms live now, each as it last reported itself. Rooms push their changes here as they happen
 * (`report`), so listing them reads one object instead of asking every room. A room that empties
 * reports `undefined` and leaves the list.
 */
export class RoomRegistry extends DurableObject<RoomsEnv> {
  async report(name: string, summary: LiveSummary | undefined, at = new Date().toISOString()): Promise<void> {
    if (summary) await this.ctx.storage.put<LiveRoom>(name, { name, ...summary, updatedAt: at })
    else await this.ctx.storage.delete(name)
  }

  /** Busiest first (people in meetings, then the lobby), then by name. */
  async list(): Promise<LiveRoom[]> {
    const rooms = [...(await this.ctx.storage.list<LiveRoom>()).values()]
    return rooms.sort((a, b) => b.people - a.people || b.lobby - a.lobby || a.name.localeCompare(b.name))
  }
}

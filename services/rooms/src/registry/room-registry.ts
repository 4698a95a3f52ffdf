import type { LiveRoom } from '@tangerine/contracts/ops/api'
import { DurableObject } from 'cloudflare:workers'
import type { LiveSummary } from './live-summary.ts'

/** The one registry object's name: there is a single list of live rooms. */
export const REGISTRY_NAME = 'live-rooms'

/** How long a room that emptied is remembered as gone, against reports of it that arrive late. */
const GONE_KEPT_MS = 60 * 60 * 1000

/** A room's line, or the mark that it emptied; `seq` is the room's log position when it reported. */
type Entry = { seq: number } & ({ live: LiveRoom } | { goneAt: number })

/**
 * Rooms live now, each as it last reported itself. Rooms push their changes here as they happen
 * (`report`), so listing them reads one object instead of asking every room. Reports from one
 * room can arrive out of order (each is its own call), so each carries the room's seq and an older
 * one than what is kept is dropped; a room that empties is kept a while as gone, for the same reason.
 */
export class RoomRegistry extends DurableObject<RoomsEnv> {
  async report(name: string, seq: number, summary: LiveSummary | undefined, now = Date.now()): Promise<void> {
    const kept = await this.ctx.storage.get<Entry>(name)
    if (kept && kept.seq > seq) return
    const entry: Entry = summary
      ? { seq, live: { name, ...summary, updatedAt: new Date(now).toISOString() } }
      : { seq, goneAt: now }
    await this.ctx.storage.put(name, entry)
  }

  /** Busiest first (people in meetings, then the lobby), then by name. Forgets rooms long gone. */
  async list(now = Date.now()): Promise<LiveRoom[]> {
    const entries = await this.ctx.storage.list<Entry>()
    const live: LiveRoom[] = []
    const forget: string[] = []
    for (const [name, entry] of entries) {
      if ('live' in entry) live.push(entry.live)
      else if (now - entry.goneAt > GONE_KEPT_MS) forget.push(name)
    }
    if (forget.length > 0) await this.ctx.storage.delete(forget)
    return live.sort((a, b) => b.people - a.people || b.lobby - a.lobby || a.name.localeCompare(b.name))
  }
}

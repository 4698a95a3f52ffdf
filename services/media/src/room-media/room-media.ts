import type { ProxyHistoryEntry } from '@tangerine/contracts/calls/api'
import { DurableObject } from 'cloudflare:workers'

/** Entries kept per Calls session for the debug view; older ones are dropped. */
const HISTORY_PER_SESSION = 200

/**
 * One per room: which Calls sessions the room's users created (so nobody can drive or pull from
 * another room's session), and each session's API history.
 */
export class RoomMedia extends DurableObject<MediaEnv> {
  constructor(ctx: DurableObjectState, env: MediaEnv) {
    super(ctx, env)
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS sessions (session_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, entry TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS history_by_session ON history (session_id, id);
    `)
  }

  claim(sessionId: string, userId: string, at: string): void {
    this.ctx.storage.sql.exec('INSERT OR IGNORE INTO sessions VALUES (?, ?, ?)', sessionId, userId, at)
  }

  /** The user who created the session in this room, or undefined when it is not this room's. */
  ownerOf(sessionId: string): string | undefined {
    return this.ctx.storage.sql.exec<{ user_id: string }>('SELECT user_id FROM sessions WHERE session_id = ?', sessionId).toArray()[0]?.user_id
  }

  /** The owner of each of these sessions in this room (absent: not this room's), in one call. */
  ownersOf(sessionIds: string[]): Record<string, string> {
    return Object.fromEntries(
      [...new Set(sessionIds)].flatMap((id) => {
        const owner = this.ownerOf(id)
        return owner === undefined ? [] : [[id, owner]]
      }),
    )
  }

  record(sessionId: string, entries: ProxyHistoryEntry[]): void {
    for (const entry of entries) this.ctx.storage.sql.exec('INSERT INTO history (session_id, entry) VALUES (?, ?)', sessionId, JSON.stringify(entry))
    this.ctx.storage.sql.exec(
      'DELETE FROM history WHERE session_id = ? AND id NOT IN (SELECT id FROM history WHERE session_id = ? ORDER BY id DESC LIMIT ?)',
      sessionId,
      sessionId,
      HISTORY_PER_SESSION,
    )
  }

  history(sessionId: string): ProxyHistoryEntry[] {
    return this.ctx.storage.sql
      .exec<{ entry: string }>('SELECT entry FROM history WHERE session_id = ? ORDER BY id', sessionId)
      .toArray()
      .map((row) => JSON.parse(row.entry) as ProxyHistoryEntry)
  }
}

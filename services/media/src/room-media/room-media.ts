import { TracksRequest, TracksResponse, type ProxyHistoryEntry } from '@tangerine/contracts/calls/api'
import { onlyPushes } from '@tangerine/contracts/calls/proxy'
import { DurableObject } from 'cloudflare:workers'
import { roomState } from '../calls/membership.ts'

/** Entries kept per Calls session for the debug view; older ones are dropped. */
const HISTORY_PER_SESSION = 200

/** How long a session's rows outlive it (MEDIA_RETENTION_SECONDS, default a day). */
export const retentionMs = (env: MediaEnv) => (Number(env.MEDIA_RETENTION_SECONDS) || 86_400) * 1000

/**
 * One per room: which Calls sessions the room's users created (so nobody can drive or pull from
 * another room's session), the tracks each published (so a pull names a real track of this
 * room), and each session's API history. A session is over once nothing has been asked of it
 * for the retention period and its owner is no longer in the room; its rows are then deleted.
 */
export class RoomMedia extends DurableObject<MediaEnv> {
  constructor(ctx: DurableObjectState, env: MediaEnv) {
    super(ctx, env)
    const sql = ctx.storage.sql
    sql.exec(`
      CREATE TABLE IF NOT EXISTS sessions (session_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, entry TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS history_by_session ON history (session_id, id);
      CREATE TABLE IF NOT EXISTS tracks (session_id TEXT NOT NULL, track_name TEXT NOT NULL, PRIMARY KEY (session_id, track_name));
    `)
    // Rooms made before retention: their sessions count as active from now.
    const columns = sql.exec<{ name: string }>('PRAGMA table_info(sessions)').toArray()
    if (!columns.some((c) => c.name === 'last_at')) {
      sql.exec('ALTER TABLE sessions ADD COLUMN last_at INTEGER NOT NULL DEFAULT 0')
      sql.exec('UPDATE sessions SET last_at = ?', Date.now())
      void ctx.blockConcurrencyWhile(() => this.#expireLater())
    }
  }

  async claim(sessionId: string, userId: string, at: string): Promise<void> {
    this.ctx.storage.sql.exec('INSERT OR IGNORE INTO sessions VALUES (?, ?, ?, ?)', sessionId, userId, at, Date.now())
    await this.#expireLater()
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

  /** Of these `sessionId/trackName` pairs, the ones no session of this room published. */
  unpublished(pulls: Array<{ sessionId: string; trackName: string }>): string[] {
    return pulls
      .filter(({ sessionId, trackName }) => this.ctx.storage.sql.exec('SELECT 1 FROM tracks WHERE session_id = ? AND track_name = ?', sessionId, trackName).toArray().length === 0)
      .map(({ sessionId, trackName }) => `${sessionId}/${trackName}`)
  }

  /** Keeps a session's calls; a successful push also records the tracks it published. */
  async record(sessionId: string, entries: ProxyHistoryEntry[]): Promise<void> {
    const sql = this.ctx.storage.sql
    for (const entry of entries) sql.exec('INSERT INTO history (session_id, entry) VALUES (?, ?)', sessionId, JSON.stringify(entry))
    sql.exec(
      'DELETE FROM history WHERE session_id = ? AND id NOT IN (SELECT id FROM history WHERE session_id = ? ORDER BY id DESC LIMIT ?)',
      sessionId,
      sessionId,
      HISTORY_PER_SESSION,
    )
    for (const name of published(entries)) sql.exec('INSERT OR IGNORE INTO tracks VALUES (?, ?)', sessionId, name)
    sql.exec('UPDATE sessions SET last_at = ? WHERE session_id = ?', Date.now(), sessionId)
    await this.#expireLater()
  }

  history(sessionId: string): ProxyHistoryEntry[] {
    return this.ctx.storage.sql
      .exec<{ entry: string }>('SELECT entry FROM history WHERE session_id = ? ORDER BY id', sessionId)
      .toArray()
      .map((row) => JSON.parse(row.entry) as ProxyHistoryEntry)
  }

  /** Deletes every session quiet for the retention period whose owner has left, with its rows. */
  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql
    const now = Date.now()
    const stale = sql
      .exec<{ session_id: string; user_id: string }>('SELECT session_id, user_id FROM sessions WHERE last_at <= ?', now - retentionMs(this.env))
      .toArray()
    if (stale.length > 0) {
      // A long meeting can go a day without a Calls call: a session whose owner is still there is not over.
      const state = this.ctx.id.name ? await roomState(this.env, this.ctx.id.name) : undefined
      const present = new Set([...(state?.users.map((u) => u.id) ?? []), ...(state?.ai.sessionId ? [state.ai.sessionId] : [])])
      for (const { session_id: id, user_id: owner } of stale) {
        if (present.has(owner) || present.has(id)) {
          sql.exec('UPDATE sessions SET last_at = ? WHERE session_id = ?', now, id)
          continue
        }
        for (const table of ['history', 'tracks', 'sessions']) sql.exec(`DELETE FROM ${table} WHERE session_id = ?`, id)
      }
    }
    await this.ctx.storage.deleteAlarm()
    await this.#expireLater()
  }

  /** Sets the alarm for the oldest session's expiry, when none is set. */
  async #expireLater(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) !== null) return
    const oldest = this.ctx.storage.sql.exec<{ at: number | null }>('SELECT MIN(last_at) AS at FROM sessions').one().at
    if (oldest !== null) await this.ctx.storage.setAlarm(oldest + retentionMs(this.env))
  }
}

/** The tracks a successful `tracks/new` push published: its answer's track names, without item errors. */
function published(entries: ProxyHistoryEntry[]): string[] {
  const [request, response] = entries
  if (!request?.endpoint.endsWith('/tracks/new') || response?.type !== 'response' || (response.status ?? 500) >= 300) return []
  const asked = TracksRequest.safeParse(request.body)
  const answered = TracksResponse.safeParse(response.body)
  if (!asked.success || !answered.success || !onlyPushes(asked.data)) return []
  return (answered.data.tracks ?? []).flatMap((t) => (t.trackName && !t.errorCode ? [t.trackName] : []))
}

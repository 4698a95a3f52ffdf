import { TracksRequest, TracksResponse, type ProxyHistoryEntry } from '@tangerine/contracts/calls/api'
import { onlyPushes } from '@tangerine/contracts/calls/proxy'
import type { RoomCallsSessions } from '@tangerine/contracts/ops/api'
import { DurableObject } from 'cloudflare:workers'
import { and, desc, eq, lte, min, notInArray, sql } from 'drizzle-orm'
import { drizzle, type DrizzleSqliteDODatabase } from 'drizzle-orm/durable-sqlite'
import { migrate } from 'drizzle-orm/durable-sqlite/migrator'
import migrations from '../../drizzle/room-media/migrations.js'
import { history, sessions, tracks } from '../db/schema.ts'
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
  readonly #db: DrizzleSqliteDODatabase<Record<string, never>>

  constructor(ctx: DurableObjectState, env: MediaEnv) {
    super(ctx, env)
    this.#db = drizzle(ctx.storage)
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.#db, migrations)
      // Rooms made before retention: their sessions count as active from now.
      const columns = ctx.storage.sql.exec<{ name: string }>('PRAGMA table_info(sessions)').toArray()
      if (!columns.some((c) => c.name === 'last_at')) {
        ctx.storage.sql.exec('ALTER TABLE sessions ADD COLUMN last_at INTEGER NOT NULL DEFAULT 0')
        this.#db.update(sessions).set({ lastAt: Date.now() }).run()
        await this.#expireLater()
      }
    })
  }

  async claim(sessionId: string, userId: string, at: string): Promise<void> {
    this.#db
      .insert(sessions)
      .values({ sessionId, userId, createdAt: at, lastAt: Date.now() })
      .onConflictDoNothing()
      .run()
    await this.#expireLater()
  }

  /** The user who created the session in this room, or undefined when it is not this room's. */
  ownerOf(sessionId: string): string | undefined {
    return this.#db.select({ userId: sessions.userId }).from(sessions).where(eq(sessions.sessionId, sessionId)).get()
      ?.userId
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
      .filter(
        ({ sessionId, trackName }) =>
          !this.#db
            .select({ one: sql`1` })
            .from(tracks)
            .where(and(eq(tracks.sessionId, sessionId), eq(tracks.trackName, trackName)))
            .get(),
      )
      .map(({ sessionId, trackName }) => `${sessionId}/${trackName}`)
  }

  /** Keeps a session's calls; a successful push also records the tracks it published. */
  async record(sessionId: string, entries: ProxyHistoryEntry[]): Promise<void> {
    const db = this.#db
    for (const entry of entries)
      db.insert(history)
        .values({ sessionId, entry: JSON.stringify(entry) })
        .run()
    const kept = db
      .select({ id: history.id })
      .from(history)
      .where(eq(history.sessionId, sessionId))
      .orderBy(desc(history.id))
      .limit(HISTORY_PER_SESSION)
    db.delete(history)
      .where(and(eq(history.sessionId, sessionId), notInArray(history.id, kept)))
      .run()
    for (const trackName of published(entries))
      db.insert(tracks).values({ sessionId, trackName }).onConflictDoNothing().run()
    db.update(sessions).set({ lastAt: Date.now() }).where(eq(sessions.sessionId, sessionId)).run()
    await this.#expireLater()
  }

  history(sessionId: string): ProxyHistoryEntry[] {
    return this.#db
      .select({ entry: history.entry })
      .from(history)
      .where(eq(history.sessionId, sessionId))
      .orderBy(history.id)
      .all()
      .map((row) => JSON.parse(row.entry) as ProxyHistoryEntry)
  }

  /** For operators: every session of this room, newest first, with its tracks and API history. */
  opsSessions(): RoomCallsSessions['sessions'] {
    return this.#db
      .select()
      .from(sessions)
      .orderBy(desc(sessions.createdAt))
      .all()
      .map((s) => ({
        ...s,
        tracks: this.#db
          .select({ name: tracks.trackName })
          .from(tracks)
          .where(eq(tracks.sessionId, s.sessionId))
          .all()
          .map((t) => t.name),
        history: this.history(s.sessionId),
      }))
  }

  /** Deletes every session quiet for the retention period whose owner has left, with its rows. */
  override async alarm(): Promise<void> {
    const db = this.#db
    const now = Date.now()
    const stale = db
      .select({ id: sessions.sessionId, owner: sessions.userId })
      .from(sessions)
      .where(lte(sessions.lastAt, now - retentionMs(this.env)))
      .all()
    if (stale.length > 0) {
      // A long meeting can go a day without a Calls call: a session whose owner is still there is not over.
      const state = this.ctx.id.name ? await roomState(this.env, this.ctx.id.name) : undefined
      const present = new Set([
        ...(state?.users.map((u) => u.id) ?? []),
        ...(state?.ai.status === 'joined' && state.ai.sessionId ? [state.ai.sessionId] : []),
      ])
      for (const { id, owner } of stale) {
        if (present.has(owner) || present.has(id)) {
          db.update(sessions).set({ lastAt: now }).where(eq(sessions.sessionId, id)).run()
          continue
        }
        db.delete(history).where(eq(history.sessionId, id)).run()
        db.delete(tracks).where(eq(tracks.sessionId, id)).run()
        db.delete(sessions).where(eq(sessions.sessionId, id)).run()
      }
    }
    await this.ctx.storage.deleteAlarm()
    await this.#expireLater()
  }

  /** Sets the alarm for the oldest session's expiry, when none is set. */
  async #expireLater(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) !== null) return
    const oldest =
      this.#db
        .select({ at: min(sessions.lastAt) })
        .from(sessions)
        .get()?.at ?? null
    if (oldest !== null) await this.ctx.storage.setAlarm(oldest + retentionMs(this.env))
  }
}

/** The tracks a successful `tracks/new` push published: its answer's track names, without item errors. */
function published(entries: ProxyHistoryEntry[]): string[] {
  const [request, response] = entries
  if (!request?.endpoint.endsWith('/tracks/new') || response?.type !== 'response' || (response.status ?? 500) >= 300)
    return []
  const asked = TracksRequest.safeParse(request.body)
  const answered = TracksResponse.safeParse(response.body)
  if (!asked.success || !answered.success || !onlyPushes(asked.data)) return []
  return (answered.data.tracks ?? []).flatMap((t) => (t.trackName && !t.errorCode ? [t.trackName] : []))
}

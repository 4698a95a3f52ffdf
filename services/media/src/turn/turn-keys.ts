import type { ManagedTurnKey } from '@tangerine/contracts/calls/turn'
import { log } from '@tangerine/contracts/log'
import { DurableObject } from 'cloudflare:workers'
import { and, eq } from 'drizzle-orm'
import { drizzle, type DrizzleSqliteDODatabase } from 'drizzle-orm/durable-sqlite'
import { migrate } from 'drizzle-orm/durable-sqlite/migrator'
import migrations from '../../drizzle/turn-keys/migrations.js'
import { turnKeys } from '../db/turn-keys-schema.ts'
import { open, seal } from './secret-box.ts'
import {
  attempt,
  createKey,
  deleteKey,
  listKeys,
  renameKey,
  revokeCredential,
  TurnApiError,
  type Outcome,
} from './turn-api.ts'

export interface UsableKey {
  uid: string
  secret: string
}

type KeyRow = typeof turnKeys.$inferSelect

/**
 * The one `TurnKeys` object (by name "turn") holds the TURN keys this deployment made: the
 * active one that mints credentials, and retiring ones that keep working until their credentials
 * have expired, then get deleted at the TURN API by an alarm. Secrets are sealed at rest.
 */
export class TurnKeys extends DurableObject<MediaEnv> {
  /** Concurrent first requests share one key creation rather than racing to make several. */
  private creating: Promise<UsableKey> | undefined

  readonly #db: DrizzleSqliteDODatabase<Record<string, never>>

  constructor(ctx: DurableObjectState, env: MediaEnv) {
    super(ctx, env)
    this.#db = drizzle(ctx.storage)
    void ctx.blockConcurrencyWhile(() => migrate(this.#db, migrations))
  }

  /** The key credentials are minted with; made at the TURN API the first time it is needed. */
  async activeKey(): Promise<Outcome<UsableKey>> {
    return attempt(() => this.active())
  }

  /**
   * The TURN API no longer knows the active key (deleted out of band, or a local SFU that lost
   * its database): forget it and make another. Only if `uid` is still the active one, so that
   * concurrent callers replace it once.
   */
  async replaceLost(uid: string): Promise<Outcome<UsableKey>> {
    this.#db
      .delete(turnKeys)
      .where(and(eq(turnKeys.uid, uid), eq(turnKeys.state, 'active')))
      .run()
    return attempt(() => this.active())
  }

  /** A new active key; the previous one keeps working for `overlapSeconds`, then is deleted. */
  async rotate(overlapSeconds: number): Promise<Outcome<{ active: ManagedTurnKey; retiring: ManagedTurnKey[] }>> {
    return attempt(async () => {
      const previous = this.rows().filter((r) => r.state === 'active')
      // The new key first: if the TURN API refuses, the current key stays active.
      const created = await this.create()
      const retireAt = new Date(Date.now() + overlapSeconds * 1000).toISOString()
      for (const row of previous) {
        this.#db.update(turnKeys).set({ state: 'retiring', retireAt }).where(eq(turnKeys.uid, row.uid)).run()
      }
      await this.scheduleRetirement()
      const managed = await this.managed()
      return {
        active: managed.find((k) => k.uid === created.uid)!,
        retiring: managed.filter((k) => previous.some((p) => p.uid === k.uid)),
      }
    })
  }

  /** Every key at the TURN API, with what this deployment does with it. */
  async list(): Promise<Outcome<ManagedTurnKey[]>> {
    return attempt(() => this.managed())
  }

  async rename(uid: string, name: string): Promise<Outcome<ManagedTurnKey>> {
    return attempt(async () => {
      const key = await renameKey(this.env, uid, name)
      this.#db.update(turnKeys).set({ name }).where(eq(turnKeys.uid, uid)).run()
      return (await this.managed()).find((k) => k.uid === uid) ?? { ...key, state: 'unmanaged' as const }
    })
  }

  /** Deletes a key that is not the active one; false when it is the active one (rotate first). */
  async delete(uid: string): Promise<Outcome<boolean>> {
    return attempt(async () => {
      if (this.rows().some((r) => r.uid === uid && r.state === 'active')) return false
      await deleteKey(this.env, uid)
      this.#db.delete(turnKeys).where(eq(turnKeys.uid, uid)).run()
      return true
    })
  }

  /**
   * Revokes a credential. The username does not say which key minted it, so every key this
   * deployment holds revokes it; revoking a username a key never minted is not an error.
   */
  async revoke(username: string): Promise<Outcome<number>> {
    return attempt(async () => {
      const rows = this.rows()
      for (const row of rows) {
        await revokeCredential(this.env, { uid: row.uid, secret: await open(this.env, row.uid, row.sealed) }, username)
      }
      return rows.length
    })
  }

  override async alarm(): Promise<void> {
    const now = new Date().toISOString()
    for (const row of this.rows().filter((r) => r.state === 'retiring' && r.retireAt !== null && r.retireAt <= now)) {
      try {
        await deleteKey(this.env, row.uid)
      } catch (err) {
        // Already gone at the TURN API is what we wanted; anything else is retried by the next alarm.
        if (!(err instanceof TurnApiError && err.status === 404)) {
          log('error', 'TURN key deletion failed', { uid: row.uid, error: (err as Error).message })
          continue
        }
      }
      this.#db.delete(turnKeys).where(eq(turnKeys.uid, row.uid)).run()
    }
    await this.scheduleRetirement(60_000)
  }

  private async active(): Promise<UsableKey> {
    const row = this.rows().find((r) => r.state === 'active')
    if (row) return { uid: row.uid, secret: await open(this.env, row.uid, row.sealed) }
    this.creating ??= this.create().finally(() => (this.creating = undefined))
    return this.creating
  }

  private async managed(): Promise<ManagedTurnKey[]> {
    const ours = new Map(this.rows().map((r) => [r.uid, r]))
    return (await listKeys(this.env)).map((key) => {
      const row = ours.get(key.uid)
      return { ...key, state: row?.state ?? 'unmanaged', ...(row?.retireAt ? { retireAt: row.retireAt } : {}) }
    })
  }

  private async create(): Promise<UsableKey> {
    const created = await createKey(this.env, `tangerine ${new Date().toISOString()}`)
    const sealed = await seal(this.env, created.uid, created.key)
    this.#db
      .insert(turnKeys)
      .values({
        uid: created.uid,
        name: created.name,
        sealed,
        created: created.created,
        state: 'active',
        retireAt: null,
      })
      .run()
    return { uid: created.uid, secret: created.key }
  }

  /** The alarm goes off at the next retirement; after a failed deletion, no sooner than `retryMs`. */
  private async scheduleRetirement(retryMs = 0): Promise<void> {
    const next = this.rows()
      .filter((r) => r.state === 'retiring' && r.retireAt !== null)
      .map((r) => Date.parse(r.retireAt!))
      .sort((a, b) => a - b)[0]
    if (next === undefined) await this.ctx.storage.deleteAlarm()
    else await this.ctx.storage.setAlarm(Math.max(next, Date.now() + retryMs))
  }

  private rows(): KeyRow[] {
    return this.#db.select().from(turnKeys).orderBy(turnKeys.created).all()
  }
}

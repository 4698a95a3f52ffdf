import type { ManagedTurnKey } from '@tangerine/contracts/calls/turn'
import { DurableObject } from 'cloudflare:workers'
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

interface KeyRow extends Record<string, SqlStorageValue> {
  uid: string
  name: string
  sealed: string
  created: string
  state: 'active' | 'retiring'
  retire_at: string | null
}

/**
 * The one `TurnKeys` object (by name "turn") holds the TURN keys this deployment made: the
 * active one that mints credentials, and retiring ones that keep working until their credentials
 * have expired, then get deleted at the TURN API by an alarm. Secrets are sealed at rest.
 */
export class TurnKeys extends DurableObject<MediaEnv> {
  /** Concurrent first requests share one key creation rather than racing to make several. */
  private creating: Promise<UsableKey> | undefined

  constructor(ctx: DurableObjectState, env: MediaEnv) {
    super(ctx, env)
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS turn_keys (
      uid TEXT PRIMARY KEY, name TEXT NOT NULL, sealed TEXT NOT NULL, created TEXT NOT NULL,
      state TEXT NOT NULL, retire_at TEXT)`)
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
    this.ctx.storage.sql.exec("DELETE FROM turn_keys WHERE uid = ? AND state = 'active'", uid)
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
        this.ctx.storage.sql.exec(
          "UPDATE turn_keys SET state = 'retiring', retire_at = ? WHERE uid = ?",
          retireAt,
          row.uid,
        )
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
      this.ctx.storage.sql.exec('UPDATE turn_keys SET name = ? WHERE uid = ?', name, uid)
      return (await this.managed()).find((k) => k.uid === uid) ?? { ...key, state: 'unmanaged' as const }
    })
  }

  /** Deletes a key that is not the active one; false when it is the active one (rotate first). */
  async delete(uid: string): Promise<Outcome<boolean>> {
    return attempt(async () => {
      if (this.rows().some((r) => r.uid === uid && r.state === 'active')) return false
      await deleteKey(this.env, uid)
      this.ctx.storage.sql.exec('DELETE FROM turn_keys WHERE uid = ?', uid)
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
    for (const row of this.rows().filter((r) => r.state === 'retiring' && r.retire_at !== null && r.retire_at <= now)) {
      try {
        await deleteKey(this.env, row.uid)
      } catch (err) {
        // Already gone at the TURN API is what we wanted; anything else is retried by the next alarm.
        if (!(err instanceof TurnApiError && err.status === 404)) {
          console.error(
            JSON.stringify({
              level: 'error',
              msg: 'TURN key deletion failed',
              uid: row.uid,
              error: (err as Error).message,
            }),
          )
          continue
        }
      }
      this.ctx.storage.sql.exec('DELETE FROM turn_keys WHERE uid = ?', row.uid)
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
      return { ...key, state: row?.state ?? 'unmanaged', ...(row?.retire_at ? { retireAt: row.retire_at } : {}) }
    })
  }

  private async create(): Promise<UsableKey> {
    const created = await createKey(this.env, `tangerine ${new Date().toISOString()}`)
    this.ctx.storage.sql.exec(
      "INSERT INTO turn_keys (uid, name, sealed, created, state, retire_at) VALUES (?, ?, ?, ?, 'active', NULL)",
      created.uid,
      created.name,
      await seal(this.env, created.uid, created.key),
      created.created,
    )
    return { uid: created.uid, secret: created.key }
  }

  /** The alarm goes off at the next retirement; after a failed deletion, no sooner than `retryMs`. */
  private async scheduleRetirement(retryMs = 0): Promise<void> {
    const next = this.rows()
      .filter((r) => r.state === 'retiring' && r.retire_at !== null)
      .map((r) => Date.parse(r.retire_at!))
      .sort((a, b) => a - b)[0]
    if (next === undefined) await this.ctx.storage.deleteAlarm()
    else await this.ctx.storage.setAlarm(Math.max(next, Date.now() + retryMs))
  }

  private rows(): KeyRow[] {
    return this.ctx.storage.sql.exec<KeyRow>('SELECT * FROM turn_keys ORDER BY created').toArray()
  }
}

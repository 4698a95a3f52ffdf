import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { DatabaseSync } from 'node:sqlite'
import type { TurnKey, TurnKeyCreated } from '@tangerine/contracts/calls/turn'

/*
 * TURN keys and credentials in coturn's own SQLite user database.
 *
 * coturn's `use-auth-secret` accepts `username = "<expiry>:<id>"` with
 * `password = base64(HMAC-SHA1(secret, username))` for any secret in its `turn_secret` table,
 * which it reads at every authentication (checked with real allocations in test/turn-coturn.test.ts).
 * It has no list of revoked usernames, so each credential is minted from its own random row in
 * `turn_secret`: deleting the row revokes that one credential at coturn, deleting a key's rows
 * revokes the whole key, and coturn itself rejects a credential past its expiry.
 * Our own bookkeeping lives in `tangerine_*` tables beside coturn's, which it ignores.
 */

export interface IssuedCredential {
  username: string
  credential: string
  expiresAt: number
}

interface KeyRow {
  uid: string
  name: string
  key_hash: string
  created: string
  modified: string
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

export class TurnStore {
  private readonly db: DatabaseSync
  private readonly realm: string

  constructor(path: string, realm: string) {
    this.realm = realm
    this.db = new DatabaseSync(path)
    // coturn opens the same file: wait for its locks rather than fail.
    this.db.exec(`
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS turn_secret (realm varchar(127) default '', value varchar(256), primary key (realm, value));
      CREATE TABLE IF NOT EXISTS tangerine_turn_keys (
        uid TEXT PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL, key_hash TEXT NOT NULL,
        created TEXT NOT NULL, modified TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS tangerine_turn_credentials (
        username TEXT PRIMARY KEY, key_uid TEXT NOT NULL, secret TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS tangerine_turn_credentials_by_key ON tangerine_turn_credentials (key_uid);
    `)
  }

  createKey(account: string, name: string): TurnKeyCreated {
    const uid = randomBytes(16).toString('hex')
    // 48 bytes as 96 hex characters, the shape of Cloudflare's keys and credentials.
    const key = randomBytes(48).toString('hex')
    const now = new Date().toISOString()
    this.db
      .prepare(
        'INSERT INTO tangerine_turn_keys (uid, account, name, key_hash, created, modified) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(uid, account, name, sha256(key), now, now)
    return { uid, name, created: now, modified: now, key }
  }

  listKeys(account: string): TurnKey[] {
    const rows = this.db
      .prepare('SELECT * FROM tangerine_turn_keys WHERE account = ? ORDER BY created, uid')
      .all(account) as unknown as KeyRow[]
    return rows.map(publicKey)
  }

  getKey(account: string, uid: string): TurnKey | undefined {
    const row = this.row(uid)
    return row && (row as KeyRow & { account: string }).account === account ? publicKey(row) : undefined
  }

  renameKey(account: string, uid: string, name: string): TurnKey | undefined {
    if (!this.getKey(account, uid)) return undefined
    this.db
      .prepare('UPDATE tangerine_turn_keys SET name = ?, modified = ? WHERE uid = ?')
      .run(name, new Date().toISOString(), uid)
    return this.getKey(account, uid)
  }

  /** Deletes the key and every credential it minted, at coturn too. */
  deleteKey(account: string, uid: string): boolean {
    if (!this.getKey(account, uid)) return false
    this.transaction(() => {
      this.db
        .prepare(
          'DELETE FROM turn_secret WHERE realm = ? AND value IN (SELECT secret FROM tangerine_turn_credentials WHERE key_uid = ?)',
        )
        .run(this.realm, uid)
      this.db.prepare('DELETE FROM tangerine_turn_credentials WHERE key_uid = ?').run(uid)
      this.db.prepare('DELETE FROM tangerine_turn_keys WHERE uid = ?').run(uid)
    })
    return true
  }

  /** Is `bearer` the secret of key `uid`? */
  authorizeKey(uid: string, bearer: string): boolean {
    const row = this.row(uid)
    if (!row) return false
    const a = Buffer.from(sha256(bearer))
    return timingSafeEqual(a, Buffer.from(row.key_hash))
  }

  issue(uid: string, ttlSeconds: number, now = Date.now()): IssuedCredential {
    const expiresAt = Math.floor(now / 1000) + ttlSeconds
    const username = `${expiresAt}:${randomBytes(16).toString('hex')}`
    const secret = randomBytes(32).toString('hex')
    this.transaction(() => {
      this.db.prepare('INSERT INTO turn_secret (realm, value) VALUES (?, ?)').run(this.realm, secret)
      this.db
        .prepare('INSERT INTO tangerine_turn_credentials (username, key_uid, secret, expires_at) VALUES (?, ?, ?, ?)')
        .run(username, uid, secret, expiresAt)
    })
    return { username, credential: createHmac('sha1', secret).update(username).digest('base64'), expiresAt }
  }

  /** Revokes one credential of key `uid`; false when the key never minted it (or it is gone). */
  revoke(uid: string, username: string): boolean {
    const row = this.db
      .prepare('SELECT secret FROM tangerine_turn_credentials WHERE username = ? AND key_uid = ?')
      .get(username, uid) as { secret: string } | undefined
    if (!row) return false
    this.transaction(() => {
      this.db.prepare('DELETE FROM turn_secret WHERE realm = ? AND value = ?').run(this.realm, row.secret)
      this.db.prepare('DELETE FROM tangerine_turn_credentials WHERE username = ?').run(username)
    })
    return true
  }

  /** Forgets credentials coturn already refuses for their expiry, keeping its secret list short. */
  pruneExpired(now = Date.now()): number {
    const cutoff = Math.floor(now / 1000)
    let removed = 0
    this.transaction(() => {
      this.db
        .prepare(
          'DELETE FROM turn_secret WHERE realm = ? AND value IN (SELECT secret FROM tangerine_turn_credentials WHERE expires_at < ?)',
        )
        .run(this.realm, cutoff)
      removed = Number(
        this.db.prepare('DELETE FROM tangerine_turn_credentials WHERE expires_at < ?').run(cutoff).changes,
      )
    })
    return removed
  }

  close(): void {
    this.db.close()
  }

  private row(uid: string): (KeyRow & { account: string }) | undefined {
    return this.db.prepare('SELECT * FROM tangerine_turn_keys WHERE uid = ?').get(uid) as unknown as
      (KeyRow & { account: string }) | undefined
  }

  private transaction(work: () => void): void {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      work()
      this.db.exec('COMMIT')
    } catch (err) {
      this.db.exec('ROLLBACK')
      throw err
    }
  }
}

const publicKey = ({ uid, name, created, modified }: KeyRow): TurnKey => ({ uid, name, created, modified })

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { IceServer } from '@tangerine/contracts/calls/api'
import type { TurnConfig } from '../config.ts'
import type { Logger } from '../log.ts'
import { startCoturn, type RunningCoturn } from './coturn.ts'
import { TurnStore, type IssuedCredential } from './store.ts'

/** How often credentials past their expiry are dropped from coturn's secret table. */
const PRUNE_INTERVAL_MS = 60_000

/** The SFU's TURN side: coturn, its user database, and the ICE servers handed to clients. */
export interface TurnService {
  store: TurnStore
  /** coturn's port (chosen at start when configured as 0). */
  port: number
  iceServers(credential: IssuedCredential): IceServer[]
  close(): Promise<void>
}

/** `mediaIp` is the SFU's announced media address: the only peer coturn relays to. */
export async function startTurn(config: TurnConfig, mediaIp: string, log: Logger): Promise<TurnService> {
  const tempDir = config.userdb ? undefined : mkdtempSync(join(tmpdir(), 'tangerine-turn-'))
  const userdb = config.userdb ?? join(tempDir!, 'turndb.sqlite')
  // Our tables and coturn's `turn_secret` exist before coturn opens the file.
  const store = new TurnStore(userdb, config.realm)
  store.pruneExpired()
  let coturn: RunningCoturn
  try {
    coturn = await startCoturn(
      {
        port: config.port,
        realm: config.realm,
        userdb,
        listeningIp: config.listeningIp,
        relayIp: config.relayIp,
        relayPorts: config.relayPorts,
        allowedPeerIp: mediaIp,
        tcpRelay: config.tcpRelay,
      },
      log.child({ component: 'coturn' }),
    )
  } catch (err) {
    store.close()
    if (tempDir) rmSync(tempDir, { recursive: true, force: true })
    throw err
  }
  const prune = setInterval(() => store.pruneExpired(), PRUNE_INTERVAL_MS)
  prune.unref()
  const at = `${config.host}:${coturn.port}`
  return {
    store,
    port: coturn.port,
    iceServers: ({ username, credential }) => [
      { urls: [`stun:${at}`] },
      { urls: [`turn:${at}?transport=udp`, `turn:${at}?transport=tcp`], username, credential },
    ],
    async close() {
      clearInterval(prune)
      await coturn.close()
      store.close()
      if (tempDir) rmSync(tempDir, { recursive: true, force: true })
    },
  }
}

import type { Bucket } from './rate-limit.ts'

/** What a socket carries across hibernation (partyserver keeps it in the socket's attachment). */
export interface ConnectionState {
  userId: string
  /** The caller's user key from its identity (absent for anonymous guests). */
  key?: string
  lastSeen: number
  bucket: Bucket
}

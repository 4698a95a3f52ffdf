import type { Bucket } from './rate-limit.ts'

/** What a socket carries across hibernation (partyserver keeps it in the socket's attachment). */
export interface ConnectionState {
  userId: string
  lastSeen: number
  bucket: Bucket
}

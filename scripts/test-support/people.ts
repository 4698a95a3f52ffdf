import { encodeIdentity, IDENTITY_HEADER } from '@tangerine/contracts'

/**
 * Test people as the gateway makes them: a user key, and a room user id (32 hex digits) that
 * starts with it. Outside tests only the gateway derives keys (services/gateway/src/identity/user-key.ts).
 */
export const newUserId = () => crypto.randomUUID().replaceAll('-', '')

/** The key of a test user id made by `newUserId`. */
export const keyOf = (userId: string) => userId.slice(0, 16)

/** The identity header the gateway would send for this person. */
export const identityHeaders = (who: { name: string; key: string }) => ({
  [IDENTITY_HEADER]: encodeIdentity({ name: who.name, source: 'session', key: who.key }),
})

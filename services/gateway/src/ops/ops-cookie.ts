import { jwtVerify, SignJWT } from 'jose'

/** How long an operator's sign-in lasts: a working day. */
export const OPS_SESSION_MAX_AGE_SECONDS = 12 * 60 * 60

/*
 * The operator cookie is signed with a key derived from ADMIN_TOKEN itself, so changing the token
 * signs every operator out, and a lobby cookie (SESSION_SECRET) can never pass for one.
 */
const key = async (adminToken: string) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`tangerine-ops:${adminToken}`)))

export async function signOpsCookie(adminToken: string, now = Date.now()): Promise<string> {
  return new SignJWT({ ops: true })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(Math.floor(now / 1000))
    .sign(await key(adminToken))
}

/** Whether `cookie` is an operator sign-in under this ADMIN_TOKEN, still within its age. */
export async function verifyOpsCookie(cookie: string | undefined, adminToken: string, now = Date.now()) {
  if (!cookie || !adminToken) return false
  try {
    const { payload } = await jwtVerify(cookie, await key(adminToken), {
      algorithms: ['HS256'],
      currentDate: new Date(now),
      maxTokenAge: OPS_SESSION_MAX_AGE_SECONDS,
    })
    return payload.ops === true
  } catch {
    return false
  }
}

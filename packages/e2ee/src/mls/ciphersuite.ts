import { getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl } from 'ts-mls'

// X25519 / AES-128-GCM / SHA-256 / Ed25519: MLS's mandatory suite, and the only one ts-mls runs
// with no optional peer dependency, so the lazy-loaded E2EE bundle stays small.
export const CIPHERSUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'

let impl: Promise<CiphersuiteImpl> | undefined

export function ciphersuite(): Promise<CiphersuiteImpl> {
  impl ??= getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE))
  return impl
}

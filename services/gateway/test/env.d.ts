declare namespace Cloudflare {
  interface Env {
    /** The test JWKS server's private key, to sign Access tokens the way Access would. */
    TEST_PRIVATE_JWK: string
    /** The media Worker again, with a Calls API that never answers (vitest.config.ts): a slow service. */
    STALLED_MEDIA: Fetcher
  }
}

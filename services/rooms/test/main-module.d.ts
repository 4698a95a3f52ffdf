// Types `exports.default` from cloudflare:workers in this service's tests. Kept out of the generated
// env types because the gateway compiles every service's env types together.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../src/index.ts')
  }
}

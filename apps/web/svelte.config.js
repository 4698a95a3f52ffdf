import adapter from '@sveltejs/adapter-cloudflare'
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte'

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ platformProxy: { configPath: 'wrangler.jsonc' } }),
    // The server resolves routes, so no page carries the table of all of them (the /ops views
    // would otherwise add theirs to the meeting page's first load).
    router: { resolution: 'server' },
    // Pages get a CSP with hashes for SvelteKit's own inline scripts; media and sockets stay same-origin.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        // Blur and noise suppression compile WebAssembly (in a worker and an AudioWorklet, which
        // takes the page's policy); 'wasm-unsafe-eval' allows that and no other eval.
        'script-src': ['self', 'wasm-unsafe-eval'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:', 'blob:', 'https:'],
        'media-src': ['self', 'blob:', 'mediastream:'],
        'connect-src': ['self'],
        'frame-ancestors': ['self'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'object-src': ['none'],
      },
    },
    typescript: {
      // App.Platform is the web Worker's: its bindings and the Workers runtime's types.
      config: (config) => {
        config.include.push('../worker-configuration.d.ts', '../../../types/workers-runtime.d.ts')
        return config
      },
    },
  },
}

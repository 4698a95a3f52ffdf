import adapter from '@sveltejs/adapter-cloudflare'
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte'

const envTypes = ['gateway', 'rooms', 'media', 'ai', 'feedback'].map(
  (service) => `../../../services/${service}/worker-configuration.d.ts`,
)

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ platformProxy: { configPath: 'wrangler.jsonc' } }),
    typescript: {
      // The gateway client's types reach into every service, and each declares its own Env.
      config: (config) => {
        config.include.push('../worker-configuration.d.ts', '../../../types/workers-runtime.d.ts', ...envTypes)
        return config
      },
    },
  },
}

import js from '@eslint/js'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// What Workers bundle: `import { z }` keeps zod's whole namespace, its 40 locales included (the
// feedback Worker: 513 KiB minified; 160 KiB with `import * as z`, whose unused members esbuild drops).
const bundled = ['services/*/src/**/*.ts', 'packages/*/src/**/*.ts', 'apps/web/src/**/*.{ts,svelte}']
const wholeZod = {
  selector: "ImportDeclaration[source.value='zod'][importKind='value'] > ImportSpecifier[imported.name='z']",
  message: "import * as z from 'zod': the named z export bundles every locale.",
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.svelte-kit/**',
      '**/.wrangler/**',
      '**/dist/**',
      '**/worker-configuration.d.ts',
      'types/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['log', 'error', 'warn'] }],
    },
  },
  {
    files: bundled,
    rules: { 'no-restricted-syntax': ['error', wholeZod] },
  },
  {
    // Workers and contracts log through the one log() (@tangerine/contracts/log): one JSON line shape.
    files: ['services/*/src/**/*.ts', 'packages/contracts/src/**/*.ts'],
    ignores: ['packages/contracts/src/log.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='console']",
          message: 'Log with log() from @tangerine/contracts/log.',
        },
        wholeZod,
      ],
    },
  },
  {
    // Ambient declarations can only name modules through import() types.
    files: ['**/*.d.ts', '**/*.d.mts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
)

// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/src/generated/**', '**/clients/generated/**', '**/dist/**', '.data/**', 'bench/results/**', 'repo-checks/test/typed-consumers/generated/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', globalThis: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    // The domain owns its ports: it imports nothing of HTTP, the database or the other folders,
    // `import type` included.
    files: ['catalog-service/src/domain/**', 'account-service/src/domain/**', 'order-service/src/domain/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/data/**', '**/data', '**/routes/**', '**/routes', '**/clients/**', '**/clients', '**/generated/**'], message: 'the domain declares ports (domain/ports.ts); data/, routes/ and clients/ implement or call them' },
          { group: ['express', 'express-*', '@prisma/*', 'pg', 'pg-*', 'axios', 'opossum'], message: 'the domain knows nothing of HTTP or the database' },
        ],
        paths: [{ name: 'service-platform', importNames: ['Problem', 'CataloguedProblem', 'isProblem', 'retryAfter', 'ProblemOptions'], message: 'domain errors carry a code only (DomainError); the problem middleware picks the status' }],
      }],
    },
  },
  {
    // Tests read loosely typed JSON answers; the assertions are the type checks there.
    files: ['**/test/**/*.ts', 'test-support/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-console': 'off' },
  },
  {
    files: ['scripts/**', '**/*.js'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Pages served as they are (no build step): browser scripts.
    files: ['*/public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', window: 'readonly', fetch: 'readonly', sessionStorage: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', uPlot: 'readonly', devicePixelRatio: 'readonly' },
    },
  },
);

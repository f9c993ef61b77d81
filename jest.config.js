/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/*/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // @swc/jest compiles TypeScript to CommonJS; type-checking is `npm run typecheck`'s job.
  // jose 6 is ESM only: jest's CommonJS runtime loads it compiled by the same transform.
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  setupFiles: ['<rootDir>/test-support/pact-no-tracking.js'],
  globalSetup: '<rootDir>/test-support/global-setup.js',
  globalTeardown: '<rootDir>/test-support/global-teardown.js',
  testTimeout: 30_000,
  maxWorkers: 2,
};

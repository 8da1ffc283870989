// ESM jest (run with --experimental-vm-modules, see package.json). Sources import
// each other with explicit .ts extensions, so Node 24 can also run them directly.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // ts-jest rewrites './x.ts' specifiers to './x.js'; map them back to the source file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        useESM: true,
        tsconfig: {
          isolatedModules: true,
          allowImportingTsExtensions: true,
          noEmit: false,
          rewriteRelativeImportExtensions: true,
        },
      },
    ],
  },
  testTimeout: 120000,
  maxWorkers: 2,
}

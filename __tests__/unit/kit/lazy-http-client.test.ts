// The bundles' stand-in for @actions/http-client (packages/kit/src/lazy-http-client.cjs, mapped by
// tsconfig.json's `paths`) must offer every name the real module exports, or an importer reading
// one it lacks would get undefined only in the bundle.
import { createRequire } from 'node:module'
import * as real from '@actions/http-client'

const require = createRequire(import.meta.url)
const lazy = require('../../../packages/kit/src/lazy-http-client.cjs') as Record<string, unknown>

test('the lazy stand-in exports exactly the names @actions/http-client exports', () => {
  // Object.keys reads the names without calling the getters (which would load the real module).
  expect(Object.keys(lazy).sort()).toEqual(Object.keys(real).sort())
})

test('tsconfig.json maps the bare specifier, and only it, to the stand-in', async () => {
  const { readFileSync } = await import('node:fs')
  const tsconfig = JSON.parse(readFileSync(new URL('../../../tsconfig.json', import.meta.url), 'utf8'))
  expect(tsconfig.compilerOptions.paths).toEqual({
    '@actions/http-client': ['./packages/kit/src/lazy-http-client.cjs'],
  })
})

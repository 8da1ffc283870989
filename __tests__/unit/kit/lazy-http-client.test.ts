// The bundles' stand-in for @actions/http-client (packages/kit/src/lazy-http-client.cjs, mapped by
// tsconfig.json's `paths`) must offer every name the real module exports, or an importer reading
// one it lacks would get undefined only in the bundle.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const lazy = require('../../../packages/kit/src/lazy-http-client.cjs') as Record<string, unknown>
// Named by a variable: tsc resolves the literal through `paths` to the stand-in; jest loads the real one.
const realName: string = '@actions/http-client'

test('the stand-in exports exactly the names @actions/http-client exports, and load()', async () => {
  const real = (await import(realName)) as Record<string, unknown>
  // Object.keys reads the names without calling the getters.
  expect(Object.keys(lazy).sort()).toEqual([...Object.keys(real), 'load'].sort())
})

test('a name read before load() says what to do; after it, it is the real export', async () => {
  const fresh = require('../../../packages/kit/src/lazy-http-client.cjs') as Record<string, unknown>
  expect(() => fresh.HttpClient).toThrow(
    /read before the client was loaded: import @actions\/github through githubToolkit\(\)/,
  )
  await (fresh.load as () => Promise<void>)()
  const real = (await import(realName)) as Record<string, { name?: string }>
  expect((fresh.HttpClient as { name: string }).name).toBe('HttpClient')
  expect(new (fresh.HttpClient as new () => object)()).toHaveProperty('userAgent')
  expect(fresh.HttpCodes).toEqual(real.HttpCodes)
})

test('tsconfig.json maps the bare specifier, and only it, to the stand-in', () => {
  const tsconfig = JSON.parse(readFileSync(new URL('../../../tsconfig.json', import.meta.url), 'utf8'))
  expect(tsconfig.compilerOptions.paths).toEqual({
    '@actions/http-client': ['./packages/kit/src/lazy-http-client.cjs'],
  })
})

// The bundles' stand-ins for @actions/http-client and @actions/exec (packages/kit/src/lazy-*, mapped
// by tsconfig.json's `paths`) must offer every name the real modules export, or an importer reading
// one they lack would get undefined only in the bundle, and must behave as the real ones.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const lazy = require('../../../packages/kit/src/lazy-http-client.cjs') as Record<string, unknown>
// Named by a variable: tsc resolves the literal through `paths` to the stand-in; jest loads the real one.
const realName: string = '@actions/http-client'
const realExecName: string = '@actions/exec'

test('the stand-in exports exactly the names @actions/http-client exports, and load()', async () => {
  const real = (await import(realName)) as Record<string, unknown>
  // Object.keys reads the names without calling the getters.
  expect(Object.keys(lazy).sort()).toEqual([...Object.keys(real), 'load'].sort())
})

test('evaluating the stand-in (as bundles do at start) hands kit its loader', () => {
  expect((globalThis as Record<symbol, unknown>)[Symbol.for('@deploy-actions/kit.loadHttpClient')]).toBe(lazy.load)
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

test('tsconfig.json maps the bare specifiers, and only them, to the stand-ins', () => {
  const tsconfig = JSON.parse(readFileSync(new URL('../../../tsconfig.json', import.meta.url), 'utf8'))
  expect(tsconfig.compilerOptions.paths).toEqual({
    '@actions/http-client': ['./packages/kit/src/lazy-http-client.cjs'],
    '@actions/exec': ['./packages/kit/src/lazy-exec.ts'],
  })
})

test('the @actions/exec stand-in runs a command as the real module does, output and exit code', async () => {
  const lazyExec = await import('../../../packages/kit/src/lazy-exec.ts')
  const realExec = (await import(realExecName)) as Record<string, unknown>
  expect(Object.keys(lazyExec).sort()).toEqual(Object.keys(realExec).sort())
  const out = await lazyExec.getExecOutput('sh', ['-c', 'echo out; echo err >&2; exit 3'], {
    ignoreReturnCode: true,
    silent: true,
  })
  expect(out).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' })
  expect(await lazyExec.exec('true', [], { silent: true })).toBe(0)
  await expect(lazyExec.exec('false', [], { silent: true })).rejects.toThrow(/failed with exit code 1/)
})

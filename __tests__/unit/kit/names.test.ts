import { runUrl, sanitizeDnsLabel, sanitizeRdsIdentifier, truncateWithHash, versionFromRef } from '@deploy-actions/kit'

test.each([
  [{ GITHUB_REF: 'refs/tags/v2.1.0', GITHUB_SHA: 'abcdef1234567' }, 'v2.1.0'],
  [{ GITHUB_REF: 'refs/heads/main', GITHUB_SHA: 'abcdef1234567' }, 'abcdef1'],
  [{ GITHUB_REF: 'refs/heads/hotfix/v2.1.1', GITHUB_SHA: '0123456789' }, '0123456'],
  [{}, 'local'],
])('version from %j is %s', (env, version) => {
  expect(versionFromRef(env)).toBe(version)
})

test('run URL from the runner variables', () => {
  expect(runUrl({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9' })).toBe(
    'https://github.com/o/r/actions/runs/9',
  )
  expect(runUrl({})).toBeUndefined()
})

test.each([
  ['webshop-prod-pre-v2.1.0', 'webshop-prod-pre-v2-1-0'],
  ['webshop--prod__pre', 'webshop-prod-pre'],
  ['2024-db', 's-2024-db'],
  ['-db-', 'db'],
  ['db-pre-v1.0.0-', 'db-pre-v1-0-0'],
])('RDS id %j → %j', (name, id) => {
  expect(sanitizeRdsIdentifier(name)).toBe(id)
})

test('long RDS ids are shortened with a hash and stay distinct and valid', () => {
  const a = sanitizeRdsIdentifier(`${'a'.repeat(70)}-pre-v1`, 63)
  const b = sanitizeRdsIdentifier(`${'a'.repeat(70)}-pre-v2`, 63)
  for (const id of [a, b]) {
    expect(id.length).toBeLessThanOrEqual(63)
    expect(id).toMatch(/^[A-Za-z](?:-?[A-Za-z0-9])*$/)
  }
  expect(a).not.toBe(b)
})

test('truncateWithHash leaves short names alone', () => {
  expect(truncateWithHash('short', 10)).toBe('short')
  expect(truncateWithHash('x'.repeat(20), 10)).toHaveLength(10)
})

test.each([
  ['Web_Shop.API', 'web-shop-api'],
  ['--x--', 'x'],
  ['', 'x'],
])('DNS label %j → %j', (name, label) => {
  expect(sanitizeDnsLabel(name)).toBe(label)
})

// Redirect rules: which headers go along, and how the method changes, hop by hop.
import { DEFAULT_REDIRECTS, nextRequest } from '@deploy-actions/http-check'

const headers = {
  Authorization: 'Bearer t',
  'X-Api-Key': 'k',
  'X-Vault-Token': 'v',
  Accept: 'application/json',
  'X-Trace': '1',
}
const from = { url: 'https://app.example/health', method: 'GET', headers }
const origin = 'https://app.example'

test.each([
  ['same origin keeps every header', '/elsewhere', DEFAULT_REDIRECTS, Object.keys(headers)],
  ['another host keeps only the safe ones', 'https://login.example/x', DEFAULT_REDIRECTS, ['Accept']],
  ['another scheme is another origin', 'http://app.example/health', DEFAULT_REDIRECTS, ['Accept']],
  ['another port is another origin', 'https://app.example:8443/', DEFAULT_REDIRECTS, ['Accept']],
  [
    'headers the user marked safe go along',
    'https://cdn.example/',
    { crossOrigin: 'follow', safeHeaders: ['x-trace', 'Accept'] } as const,
    ['Accept', 'X-Trace'],
  ],
] as const)('%s', (_name, location, policy, kept) => {
  const next = nextRequest(from, 302, location, origin, policy)
  expect('refused' in next ? next : Object.keys(next.headers).sort()).toEqual([...kept].sort())
})

test('refuse names the origin; non-http targets are refused', () => {
  expect(
    nextRequest(from, 301, 'https://evil.example/', origin, { ...DEFAULT_REDIRECTS, crossOrigin: 'refuse' }),
  ).toEqual({
    refused: 'redirected to another origin, https://evil.example (HTTP 301); cross-origin-redirect is refuse',
  })
  expect(nextRequest(from, 302, 'file:///etc/passwd', origin, DEFAULT_REDIRECTS)).toEqual({
    refused: 'redirected to a file: URL (HTTP 302)',
  })
})

test('303, and 301/302 after a POST, become a GET without a body', () => {
  const post = { ...from, method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }
  for (const status of [301, 302, 303]) {
    expect(nextRequest(post, status, '/next', origin, DEFAULT_REDIRECTS)).toEqual({
      url: 'https://app.example/next',
      method: 'GET',
      headers: {},
    })
  }
  expect(nextRequest(post, 307, '/next', origin, DEFAULT_REDIRECTS)).toMatchObject({ method: 'POST', body: '{}' })
})

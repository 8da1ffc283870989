import {
  ConfigurationError,
  DeployError,
  describeError,
  formatBytes,
  markdownTable,
  REDACTED,
  redact,
  redactHeaders,
} from '@deploy-actions/kit'

test('describeError gives one line, with the state left behind when known', () => {
  expect(
    describeError(new DeployError('canary failed:\n  2 restarts', { leftState: 'canary deleted, stable at v1' })),
  ).toBe('canary failed: 2 restarts (left: canary deleted, stable at v1)')
  expect(describeError(new ConfigurationError('timeout', 'a duration', 'soon'))).toBe(
    'timeout: expected a duration, got "soon"',
  )
  expect(describeError('plain')).toBe('plain')
})

test('secret headers are redacted by name, whatever their case', () => {
  expect(redactHeaders({ authorization: 'Bearer x', Cookie: 'a=b', 'X-Trace': '1' })).toEqual({
    authorization: REDACTED,
    Cookie: REDACTED,
    'X-Trace': '1',
  })
})

test('redact replaces every occurrence of each secret', () => {
  expect(redact('token abcd and abcd again, ab stays', ['abcd', 'ab'])).toBe(
    `token ${REDACTED} and ${REDACTED} again, ab stays`,
  )
})

test('markdownTable escapes pipes and newlines', () => {
  expect(markdownTable(['a', 'b'], [['x|y', 'l1\nl2']])).toBe('| a | b |\n| --- | --- |\n| x\\|y | l1<br>l2 |')
})

test.each([
  [512, '512 B'],
  [2048, '2.0 KiB'],
  [5 * 1024 * 1024, '5.0 MiB'],
  [200 * 1024 * 1024, '200 MiB'],
])('%d bytes is %s', (n, text) => {
  expect(formatBytes(n)).toBe(text)
})

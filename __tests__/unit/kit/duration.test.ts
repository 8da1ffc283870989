import { durationMs, formatDuration, parseDuration } from '@deploy-actions/kit'

test.each([
  ['500ms', 500],
  ['30s', 30_000],
  ['15m', 900_000],
  ['1h', 3_600_000],
  ['1h30m', 5_400_000],
  ['1.5s', 1500],
  [' 2m ', 120_000],
])('%j is %d ms', (text, ms) => {
  expect(durationMs(text)).toBe(ms)
})

test.each(['', 'soon', 'forever', '10', '5 m', '1d', 'm5', '1h-5m'])('%j is not a duration', (text) => {
  expect(durationMs(text)).toBeUndefined()
})

test('parseDuration names the input and the accepted form', () => {
  expect(() => parseDuration('timeout', 'forever')).toThrow(
    'timeout: expected a duration like 500ms, 30s, 15m or 1h, got "forever"',
  )
})

test.each([
  [850, '850ms'],
  [12_345, '12.3s'],
  [245_000, '4m05s'],
  [3_720_000, '1h02m'],
])('%d ms prints as %s', (ms, text) => {
  expect(formatDuration(ms)).toBe(text)
})

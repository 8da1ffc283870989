// smoke-test's redirect inputs: cross-origin-redirect and safe-headers become the probe's policy.
import { DEFAULT_REDIRECTS } from '@deploy-actions/http-check'
import { recordInputGetter } from '@deploy-actions/kit'
import { parseInputs } from '../../../actions/smoke-test/src/inputs.ts'

test('inputs: cross-origin-redirect and safe-headers', () => {
  const parse = (extra: Record<string, string>) =>
    parseInputs(recordInputGetter({ urls: 'https://a.example/', ...extra }), {}).redirects
  expect(parse({})).toEqual(DEFAULT_REDIRECTS)
  expect(parse({ 'cross-origin-redirect': 'refuse', 'safe-headers': 'X-Trace\nAccept' })).toEqual({
    crossOrigin: 'refuse',
    safeHeaders: ['X-Trace', 'Accept'],
  })
  expect(() => parse({ 'cross-origin-redirect': 'maybe' })).toThrow(
    'cross-origin-redirect: expected one of follow, refuse, got "maybe"',
  )
  expect(() => parse({ 'safe-headers': 'Bad Header' })).toThrow('safe-headers: expected header names like Accept')
})

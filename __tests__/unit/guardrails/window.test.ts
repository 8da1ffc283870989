// Deployment windows and freezes by table, across Europe/Berlin's DST changes of 2026 (last Sunday
// of March: 02:00 CET jumps to 03:00 CEST at 01:00 UTC; last Sunday of October: 03:00 CEST falls
// back to 02:00 CET at 01:00 UTC) and the seed's "first Sunday 02:00–06:00".
import { ConfigurationError } from '@deploy-actions/kit'
import {
  decide,
  freezeActive,
  nextOpening,
  parseFreeze,
  parseSchedule,
  parseWindow,
  windowOpen,
} from '../../../packages/release/src/guardrails/window.ts'

const at = (iso: string) => Date.parse(iso)

describe('Sun 02:00-04:00 Europe/Berlin keeps its local hours through DST', () => {
  const w = parseWindow('window', 'Sun 02:00-04:00 Europe/Berlin')
  test.each([
    // an ordinary winter Sunday (CET, UTC+1): 01:00–03:00 UTC
    ['2026-03-22T00:59Z', false],
    ['2026-03-22T01:00Z', true],
    ['2026-03-22T02:59Z', true],
    ['2026-03-22T03:00Z', false],
    // spring forward: 02:00–03:00 does not exist, so the window is 03:00–04:00 CEST, one hour
    ['2026-03-29T00:59Z', false],
    ['2026-03-29T01:00Z', true],
    ['2026-03-29T01:59Z', true],
    ['2026-03-29T02:00Z', false],
    // an ordinary summer Sunday (CEST, UTC+2): 00:00–02:00 UTC; a fixed +01:00 would say 01:00–03:00
    ['2026-04-04T23:59Z', false],
    ['2026-04-05T00:00Z', true],
    ['2026-04-05T01:59Z', true],
    ['2026-04-05T02:30Z', false],
    // fall back: 02:00–03:00 happens twice, so the window is three hours, 00:00–03:00 UTC
    ['2026-10-24T23:59Z', false],
    ['2026-10-25T00:00Z', true],
    ['2026-10-25T00:59Z', true],
    ['2026-10-25T01:00Z', true],
    ['2026-10-25T02:59Z', true],
    ['2026-10-25T03:00Z', false],
    // a Saturday at the same hours
    ['2026-03-21T01:30Z', false],
  ])('%s open: %s', (iso, open) => {
    expect(windowOpen(w, at(iso))).toBe(open)
  })
})

describe('first / last weekday of the month', () => {
  const first = 'first Sun 02:00-06:00 Europe/Berlin'
  const last = 'last Sunday 02:00-04:00 Europe/Berlin'
  test.each([
    [first, '2026-03-01T04:30Z', true], // 05:30 CET on March's first Sunday
    [first, '2026-03-08T04:30Z', false], // the second Sunday
    [first, '2026-04-05T03:30Z', true], // 05:30 CEST on April's first Sunday
    [first, '2026-04-05T04:00Z', false], // 06:00 CEST
    [first, '2026-11-01T04:59Z', true], // 05:59 CET, a week after the fall back
    [last, '2026-10-25T02:30Z', true], // the fall-back Sunday is October's last
    [last, '2026-10-18T00:30Z', false],
    [last, '2026-03-29T01:30Z', true],
  ])('%s at %s open: %s', (text, iso, open) => {
    expect(windowOpen(parseWindow('window', text), at(iso))).toBe(open)
  })

  test("the seed's two windows together: every Sunday 02:00–04:00, the first one until 06:00", () => {
    const s = parseSchedule(['Sun 02:00-04:00 Europe/Berlin', 'first Sun 02:00-06:00 Europe/Berlin'], undefined)
    expect(decide(s, at('2026-03-01T03:30Z')).allowed).toBe(true) // 04:30 on the first Sunday
    expect(decide(s, at('2026-03-08T03:30Z')).allowed).toBe(false) // 04:30 on the second
    expect(decide(s, at('2026-03-08T02:30Z')).allowed).toBe(true) // 03:30 on the second
  })
})

test.each([
  ['Sat 22:00-02:00 UTC', '2026-03-28T23:00Z', true], // Saturday evening
  ['Sat 22:00-02:00 UTC', '2026-03-29T01:30Z', true], // into Sunday's early hours
  ['Sat 22:00-02:00 UTC', '2026-03-29T02:00Z', false],
  ['Sat 22:00-02:00 UTC', '2026-03-27T23:00Z', false], // Friday
  ['Mon-Thu 09:00-16:00 America/New_York', '2026-03-09T13:30Z', true], // Monday 09:30 EDT (DST began the day before)
  ['Mon-Thu 09:00-16:00 America/New_York', '2026-03-06T14:30Z', false], // Friday
  ['Fri-Mon 10:00-11:00 Asia/Tokyo', '2026-03-29T01:30Z', true], // Sunday 10:30 JST (no DST)
])('%s at %s open: %s', (text, iso, open) => {
  expect(windowOpen(parseWindow('window', text), at(iso))).toBe(open)
})

describe('freezes', () => {
  test.each([
    ['2026-12-20..2027-01-04 Europe/Berlin', '2026-12-19T22:59Z', false], // 23:59 on the 19th
    ['2026-12-20..2027-01-04 Europe/Berlin', '2026-12-19T23:00Z', true], // midnight starting the 20th
    ['2026-12-20..2027-01-04 Europe/Berlin', '2027-01-04T22:59Z', true], // the last day is included
    ['2026-12-20..2027-01-04 Europe/Berlin', '2027-01-04T23:00Z', false],
    ['2026-03-08T01:00..2026-03-08T04:00 America/New_York', '2026-03-08T06:30Z', true], // 01:30 EST
    ['2026-03-08T01:00..2026-03-08T04:00 America/New_York', '2026-03-08T07:30Z', true], // 03:30 EDT
    ['2026-03-08T01:00..2026-03-08T04:00 America/New_York', '2026-03-08T08:00Z', false], // 04:00 EDT
    ['2026-07-14 Europe/Paris', '2026-07-14T12:00Z', true],
  ])('%s at %s: %s', (text, iso, frozen) => {
    expect(freezeActive(parseFreeze('freeze', text), at(iso))).toBe(frozen)
  })

  test('a freeze blocks inside an open window; break-glass lets the release through and says what it overrode', () => {
    const s = parseSchedule('Sun 02:00-04:00 Europe/Berlin', [
      { from: '2026-12-24T12:00', to: '2026-12-31', zone: 'Europe/Berlin', reason: 'holidays' },
    ])
    const sunday = at('2026-12-27T01:30Z')
    const blocked = decide(s, sunday)
    expect(blocked.allowed).toBe(false)
    expect(blocked.reason).toMatch(
      /freeze .* \(holidays\) is in effect \(Sun 2026-12-27 02:30 Europe\/Berlin\); set break-glass/,
    )
    const forced = decide(s, sunday, 'INC-4521: payment outage hotfix')
    expect(forced.allowed).toBe(true)
    expect(forced.override).toEqual({
      reason: 'INC-4521: payment outage hotfix',
      blocked: expect.stringMatching(/^freeze /),
    })
    expect(forced.reason).toMatch(/^break-glass: freeze .*; overridden: INC-4521/)
    expect(decide(s, sunday, '   ').allowed).toBe(false)
  })
})

test('outside the windows: the next opening is named on the wall clock (spring forward: 03:00, not 02:00)', () => {
  const s = parseSchedule('Sun 02:00-04:00 Europe/Berlin', undefined)
  expect(new Date(nextOpening(s.windows, at('2026-03-28T12:00Z'))!).toISOString()).toBe('2026-03-29T01:00:00.000Z')
  expect(new Date(nextOpening(s.windows, at('2026-10-20T12:00Z'))!).toISOString()).toBe('2026-10-25T00:00:00.000Z')
  const d = decide(s, at('2026-03-28T12:00Z'))
  expect(d).toEqual({
    allowed: false,
    reason:
      'outside the deployment windows (Sun 02:00-04:00 Europe/Berlin): it is Sat 2026-03-28 13:00 Europe/Berlin; the next opens Sun 2026-03-29 03:00 Europe/Berlin; set break-glass with a reason to release anyway',
  })
  expect(decide(parseSchedule(undefined, undefined), at('2026-03-28T12:00Z'))).toEqual({
    allowed: true,
    reason: 'no deployment window set',
  })
})

test.each([
  [
    'Sun 02:00-04:00 +01:00',
    /window: expected an IANA time zone such as Europe\/Berlin \(not a fixed offset\), got "\+01:00"/,
  ],
  ['Sun 02:00-04:00 Etc/GMT-1', /not a fixed offset/],
  ['Sun 02:00-04:00 Mars/Olympus', /window: expected an IANA time zone such as Europe\/Berlin, got "Mars\/Olympus"/],
  ['Funday 02:00-04:00 Europe/Berlin', /window: expected "\[first\|second/],
  ['Sun 2-4 Europe/Berlin', /window: expected/],
  ['Sun 02:00-25:00 Europe/Berlin', /window: expected/],
  ['Sun 02:00-02:00 Europe/Berlin', /a window of some length/],
  ['Sun 02:00-04:00', /window: expected/],
])('refused: %s', (text, message) => {
  expect(() => parseWindow('window', text)).toThrow(ConfigurationError)
  expect(() => parseWindow('window', text)).toThrow(message)
})

test.each([
  ['2027-01-04..2026-12-20 Europe/Berlin', /the end after the start/],
  ['2026-13-01 Europe/Berlin', /freeze\[0\]: expected/],
  ['2026-12-20', /freeze\[0\]: expected/],
])('freeze refused: %s', (text, message) => {
  expect(() => parseSchedule(undefined, [text])).toThrow(message)
})

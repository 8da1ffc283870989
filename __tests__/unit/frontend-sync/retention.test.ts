import { applyRetention, type RetentionContext } from '../../../actions/frontend-sync/src/retention.ts'
import { emptyState, parseState, serializeState } from '../../../actions/frontend-sync/src/state.ts'

const DAY = 86_400_000
const now = Date.parse('2026-12-01T10:00:00Z')
const fp = (key: string) => /-[A-Z0-9]{8}\.js$/.test(key)
const stale = [
  { key: 'chunk-AAAA1111.js', size: 10 },
  { key: 'chunk-BBBB2222.js', size: 20 },
  { key: 'old.html', size: 5 },
]

function ctx(over: Partial<RetentionContext> = {}): RetentionContext {
  return {
    previous: {},
    localKeys: new Set(),
    policy: { kind: 'time', ms: 7 * DAY },
    now,
    release: 5,
    isFingerprinted: fp,
    ...over,
  }
}

test('fingerprinted files that leave the build are kept; other files are deleted at once', () => {
  const r = applyRetention(stale, ctx())
  expect(r.deletes.map((d) => d.key)).toEqual(['old.html'])
  expect(r.expired).toEqual([])
  expect(r.newlyRetired).toEqual(['chunk-AAAA1111.js', 'chunk-BBBB2222.js'])
  expect(r.retired['chunk-AAAA1111.js']).toEqual({ lastRelease: 4, since: '2026-12-01T10:00:00.000Z' })
  expect(r.kept[0]).toMatchObject({ key: 'chunk-AAAA1111.js', goes: '2026-12-08 10:00 UTC' })
})

test('a kept file goes once its grace period has passed, and not before', () => {
  const previous = { 'chunk-AAAA1111.js': { lastRelease: 3, since: new Date(now - 7 * DAY).toISOString() } }
  const r = applyRetention(stale, ctx({ previous, now: now + 1, release: 6 }))
  expect(r.expired).toEqual(['chunk-AAAA1111.js'])
  expect(r.deletes.map((d) => d.key).sort()).toEqual(['chunk-AAAA1111.js', 'old.html'])
  const early = applyRetention(stale, ctx({ previous, now: now - DAY }))
  expect(early.expired).toEqual([])
  expect(early.newlyRetired).toEqual(['chunk-BBBB2222.js'])
})

test('N releases: kept through N further releases', () => {
  const previous = { 'chunk-AAAA1111.js': { lastRelease: 3, since: '2026-11-01T00:00:00.000Z' } }
  const policy = { kind: 'releases', count: 2 } as const
  expect(applyRetention(stale, ctx({ previous, policy, release: 5 })).expired).toEqual([])
  expect(applyRetention(stale, ctx({ previous, policy, release: 6 })).expired).toEqual(['chunk-AAAA1111.js'])
  expect(applyRetention(stale, ctx({ previous, policy, release: 5 })).kept[0]!.goes).toBe('with release 6')
})

test('keep-old-assets 0 deletes at once; a file back in the build is untagged', () => {
  const r = applyRetention(stale, ctx({ policy: { kind: 'time', ms: 0 } }))
  expect(r.expired).toEqual(['chunk-AAAA1111.js', 'chunk-BBBB2222.js'])
  const previous = { 'chunk-CCCC3333.js': { lastRelease: 1, since: '2026-11-01T00:00:00.000Z' } }
  const back = applyRetention([], ctx({ previous, localKeys: new Set(['chunk-CCCC3333.js']) }))
  expect(back.returned).toEqual(['chunk-CCCC3333.js'])
  expect(back.retired).toEqual({})
})

test('state round-trips, and an unreadable one is ignored with the reason', () => {
  const state = { ...emptyState(), release: 3, etags: 'md5' as const }
  state.retired['a-AB12CD34.js'] = { lastRelease: 2, since: '2026-11-01T00:00:00.000Z' }
  state.pending.E123 = { paths: ['/index.html'], since: '2026-11-01T00:00:00.000Z' }
  expect(parseState(serializeState(state))).toEqual({ state })
  expect(parseState('{nope')).toEqual({ state: emptyState(), problem: 'not JSON' })
  expect(parseState('{"version":2}').problem).toBe('not a version 1 state')
  expect(parseState(undefined)).toEqual({ state: emptyState() })
})

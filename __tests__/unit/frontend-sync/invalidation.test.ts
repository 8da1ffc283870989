import {
  collapsePaths,
  EVERYTHING,
  encodePath,
  MAX_PATHS,
  MAX_WILDCARDS,
  pathsForKeys,
  planInvalidation,
} from '../../../actions/frontend-sync/src/invalidation.ts'

describe('pathsForKeys', () => {
  test.each([
    [['main.js'], ['/main.js']],
    [['index.html'], ['/', '/index.html']],
    [['docs/page3/index.html'], ['/docs/page3/', '/docs/page3/index.html']],
    [
      ['docs/page3/other.html', 'a.css'],
      ['/a.css', '/docs/page3/other.html'],
    ],
    [
      ['site/index.html', 'site/index.html'],
      ['/site/', '/site/index.html'],
    ],
    [['img/my logo.png'], ['/img/my%20logo.png']],
    [['café/ü.txt'], ['/caf%C3%A9/%C3%BC.txt']],
    [['a~b#c.js'], ['/a%7Eb%23c.js']],
    [
      ['what?.html', 'star*.js', 'two words.html', 'café/menu.html'],
      ['/caf%C3%A9/menu.html', '/star%2A.js', '/two%20words.html', '/what%3F.html'],
    ],
  ])('%j → %j', (keys, paths) => {
    expect(pathsForKeys(keys)).toEqual(paths)
  })

  test('encodePath keeps the characters CloudFront wants as they are', () => {
    expect(encodePath("a-b_c.d/(e)!$&'+,;=:@")).toBe("a-b_c.d/(e)!$&'+,;=:@")
  })
})

describe('collapsePaths', () => {
  const many = (dir: string, n: number) => Array.from({ length: n }, (_, i) => `${dir}f${i}.js`)

  test.each([
    ['small sets pass unchanged (sorted)', ['/b.js', '/a.js'], { maxPaths: 5 }, ['/a.js', '/b.js']],
    [
      'one busy directory becomes a wildcard',
      [...many('/assets/', 6), '/index.html', '/'],
      { maxPaths: 4 },
      ['/', '/assets/*', '/index.html'],
    ],
    [
      'the deepest directory that covers as many paths is chosen',
      [...many('/a/b/', 5), '/x.js', '/y.js'],
      { maxPaths: 4 },
      ['/a/b/*', '/x.js', '/y.js'],
    ],
    [
      "a directory path (index.html's) is not swallowed by its own wildcard",
      ['/docs/', '/docs/index.html', ...many('/docs/', 4)],
      { maxPaths: 3 },
      ['/docs/', '/docs/*'],
    ],
    [
      'a later wider wildcard replaces a narrower one',
      [...many('/a/b/', 5), ...many('/a/c/', 2), ...many('/a/d/', 2), '/z.js'],
      { maxPaths: 3 },
      ['/a/*', '/z.js'],
    ],
    ['nothing to share: everything', many('/', 10), { maxPaths: 5 }, [EVERYTHING]],
    [
      'more wildcards than allowed: everything',
      ['/a/', '/b/', '/c/', '/d/'].flatMap((d) => many(d, 3)),
      { maxPaths: 3, maxWildcards: 2 },
      [EVERYTHING],
    ],
    ['an explicit /* stays alone', ['/*', '/a.js'], {}, [EVERYTHING]],
  ])('%s', (_name, paths, limits, expected) => {
    expect(collapsePaths(paths, limits)).toEqual(expected)
  })

  test('default limits stay well inside CloudFront (3,000 paths, 15 wildcards in progress)', () => {
    expect(MAX_PATHS).toBeLessThanOrEqual(3000)
    expect(MAX_WILDCARDS).toBeLessThanOrEqual(15)
    const out = collapsePaths([...many('/assets/', 400), ...many('/docs/', 50)])
    expect(out.length).toBeLessThanOrEqual(MAX_PATHS)
    expect(out).toContain('/assets/*')
    expect(out.filter((p) => p.endsWith('*')).length).toBeLessThanOrEqual(MAX_WILDCARDS)
  })
})

describe('planInvalidation', () => {
  test.each([
    ['changed', ['docs/index.html', 'old.js'], true, ['/docs/', '/docs/index.html', '/old.js']],
    ['changed', [], true, []],
    ['changed', [], false, []],
    ['all', [], true, ['/*']],
    ['all', ['a.js'], true, ['/*']],
    ['all', [], false, []],
    ['none', ['a.js'], true, []],
  ] as const)('%s with %j (any change: %s) → %j', (mode, keys, anyChange, expected) => {
    expect(planInvalidation(mode, { replacedOrDeleted: keys, anyChange })).toEqual(expected)
  })
})

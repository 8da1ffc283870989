import { ConfigurationError, recordInputGetter } from '@deploy-actions/kit'
import { thrownBy } from '@deploy-actions/testbed'
import { parseInputs, splitGlobs } from '../../../actions/frontend-sync/src/inputs.ts'

const env = { AWS_REGION: 'eu-west-1', GITHUB_WORKSPACE: '/ws' }
const base = { source: 'out', bucket: 'my-site' }
const parse = (record: Record<string, string>, e: NodeJS.ProcessEnv = env) => parseInputs(recordInputGetter(record), e)

describe('parseInputs', () => {
  test('defaults', () => {
    expect(parse(base)).toEqual({
      source: '/ws/out',
      bucket: 'my-site',
      prefix: '',
      delete: true,
      cacheRules: [],
      typeOverrides: [],
      exclude: [],
      distributionId: undefined,
      invalidate: 'changed',
      waitForInvalidation: true,
      concurrency: 16,
      dryRun: false,
      region: 'eu-west-1',
      runId: 'local',
      runAttempt: '1',
      keepOldAssets: { kind: 'time', ms: 7 * 86_400_000 },
      framework: 'auto',
      cleanUrls: false,
      followSymlinks: 'within',
      workspace: '/ws',
      allowSourceOutsideWorkspace: false,
    })
  })

  test('everything set', () => {
    const inputs = parse({
      source: '/abs/dist',
      bucket: 's3://my.site-2/',
      prefix: '/app/',
      delete: 'false',
      'cache-control': '*.html=no-store\nassets/**=public, max-age=600',
      'content-types': '.data=application/x-model\nfeeds/*=application/rss+xml',
      exclude: '*.map, *.{txt,md}\n.DS_Store',
      'distribution-id': 'E2QWRUHAPOMQZL',
      invalidate: 'all',
      'wait-for-invalidation': 'no',
      concurrency: '4',
      'dry-run': 'true',
      'aws-region': 'us-east-1',
    })
    expect(inputs).toMatchObject({
      source: '/abs/dist',
      bucket: 'my.site-2',
      prefix: 'app/',
      delete: false,
      cacheRules: [
        { glob: '*.html', value: 'no-store' },
        { glob: 'assets/**', value: 'public, max-age=600' },
      ],
      typeOverrides: [
        { pattern: '.data', type: 'application/x-model' },
        { pattern: 'feeds/*', type: 'application/rss+xml' },
      ],
      exclude: ['*.map', '*.{txt,md}', '.DS_Store'],
      distributionId: 'E2QWRUHAPOMQZL',
      invalidate: 'all',
      waitForInvalidation: false,
      concurrency: 4,
      dryRun: true,
      region: 'us-east-1',
    })
  })

  test.each([
    [{ bucket: 'b-1' }, 'source'],
    [{ source: 'out' }, 'bucket'],
    [{ ...base, bucket: 'My_Bucket' }, 'bucket'],
    [{ ...base, bucket: 'ab' }, 'bucket'],
    [{ ...base, bucket: 's3://bucket/with/path' }, 'bucket'],
    [{ ...base, delete: 'maybe' }, 'delete'],
    [{ ...base, 'cache-control': 'no-cache' }, 'cache-control'],
    [{ ...base, 'cache-control': '*.html=' }, 'cache-control'],
    [{ ...base, 'content-types': '.x=not a type' }, 'content-types'],
    [{ ...base, 'distribution-id': 'e-lower' }, 'distribution-id'],
    [{ ...base, invalidate: 'some' }, 'invalidate'],
    [{ ...base, 'wait-for-invalidation': '2' }, 'wait-for-invalidation'],
    [{ ...base, concurrency: '0' }, 'concurrency'],
    [{ ...base, concurrency: 'lots' }, 'concurrency'],
    [{ ...base, 'dry-run': 'y' }, 'dry-run'],
    [{ ...base, 'aws-region': 'mars' }, 'aws-region'],
    [{ ...base, prefix: 'site/../other' }, 'prefix'],
    [{ ...base, prefix: '../up' }, 'prefix'],
    [{ ...base, prefix: 'a/./b' }, 'prefix'],
    [{ ...base, prefix: 'a//b' }, 'prefix'],
    [{ ...base, prefix: 'a\\b' }, 'prefix'],
    [{ ...base, exclude: `${'x'.repeat(70_000)}` }, 'exclude'],
    [{ ...base, exclude: Array.from({ length: 600 }, (_, i) => `f${i}`).join('\n') }, 'exclude'],
    [{ ...base, 'cache-control': `*.html=no-cache\u0007` }, 'cache-control'],
    [{ ...base, 'keep-old-assets': 'forever' }, 'keep-old-assets'],
    [{ ...base, 'keep-old-assets': '400d' }, 'keep-old-assets'],
    [{ ...base, 'keep-old-assets': '1000 releases' }, 'keep-old-assets'],
    [{ ...base, framework: 'react' }, 'framework'],
    [{ ...base, 'clean-urls': 'yes please' }, 'clean-urls'],
    [{ ...base, 'follow-symlinks': 'some' }, 'follow-symlinks'],
    [{ ...base, 'allow-source-outside-workspace': 'sure' }, 'allow-source-outside-workspace'],
  ])('%j is rejected naming %s', (record, input) => {
    const error = thrownBy(() => parse(record as Record<string, string>))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).input).toBe(input)
    expect((error as Error).message).toMatch(new RegExp(`^${input}: `))
  })

  test('a refused value is quoted cut short, not whole', () => {
    expect(() => parse({ ...base, exclude: 'x'.repeat(70_000) })).toThrow(/… \(70000 characters\)"$/)
  })

  test.each([
    ['7d', { kind: 'time', ms: 7 * 86_400_000 }],
    ['36h', { kind: 'time', ms: 36 * 3_600_000 }],
    ['0', { kind: 'time', ms: 0 }],
    ['3 releases', { kind: 'releases', count: 3 }],
    ['1 release', { kind: 'releases', count: 1 }],
  ])('keep-old-assets %s', (raw, policy) => {
    expect(parse({ ...base, 'keep-old-assets': raw }).keepOldAssets).toEqual(policy)
  })

  test('no region anywhere is a configuration error', () => {
    expect(() => parse(base, {})).toThrow(/aws-region/)
  })
})

describe('splitGlobs', () => {
  test.each([
    ['', []],
    ['a,b', ['a', 'b']],
    ['*.{js,css}, x', ['*.{js,css}', 'x']],
    ['# comment\n*.map\n  \n', ['*.map']],
  ])('%j → %j', (raw, expected) => {
    expect(splitGlobs(raw)).toEqual(expected)
  })
})

// The unified diff `deploy-actions plan` prints: diff -u's hunks (3 lines of context, nearby
// changes joined, `l` alone for a one-line range, the line before for an empty one), removals
// before additions, changes among identical lines placed where GNU diff places them.
import { diffFileName, kubectlYaml, maskSecrets } from '../../../packages/release/src/kube-diff.ts'
import { repositoryOf, setImage } from '../../../packages/release/src/release-objects.ts'
import { unifiedDiff } from '../../../packages/release/src/unified-diff.ts'

const text = (...lines: string[]) => lines.map((l) => `${l}\n`).join('')
const n = (count: number, from = 1) => Array.from({ length: count }, (_, i) => `line ${i + from}`)

test.each([
  ['equal texts: no diff', text('a', 'b'), text('a', 'b'), ''],
  ['one line changed', text('a', 'b', 'c'), text('a', 'B', 'c'), '@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n'],
  ['a new file (diff -N: the absent side is empty)', '', text('a', 'b'), '@@ -0,0 +1,2 @@\n+a\n+b\n'],
  ['a removed file', text('a'), '', '@@ -1 +0,0 @@\n-a\n'],
  [
    'context of three lines, far changes in two hunks',
    text(...n(20)),
    text(...n(20))
      .replace('line 2\n', 'line two\n')
      .replace('line 19\n', 'line nineteen\n'),
    '@@ -1,5 +1,5 @@\n line 1\n-line 2\n+line two\n line 3\n line 4\n line 5\n@@ -16,5 +16,5 @@\n line 16\n line 17\n line 18\n-line 19\n+line nineteen\n line 20\n',
  ],
  [
    'changes six lines apart share one hunk',
    text(...n(12)),
    text(...n(12))
      .replace('line 3\n', 'line three\n')
      .replace('line 10\n', 'line ten\n'),
    '@@ -1,12 +1,12 @@\n line 1\n line 2\n-line 3\n+line three\n line 4\n line 5\n line 6\n line 7\n line 8\n line 9\n-line 10\n+line ten\n line 11\n line 12\n',
  ],
  [
    'a removed line among identical ones joins the next change (GNU shift_boundaries)',
    text('x', 'x', 'y', 'z'),
    text('x', 'z'),
    '@@ -1,4 +1,2 @@\n x\n-x\n-y\n z\n',
  ],
])('%s', (_name, from, to, hunks) => {
  const out = unifiedDiff(from, to, 'LIVE/x', 'MERGED/x')
  expect(out).toBe(hunks ? `--- LIVE/x\n+++ MERGED/x\n${hunks}` : '')
})

test('objects are named and printed as kubectl diff prints them', () => {
  expect(
    diffFileName({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop', namespace: 'web' } }),
  ).toBe('apps.v1.Deployment.web.shop')
  expect(diffFileName({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop', namespace: 'web' } })).toBe(
    'v1.Service.web.shop',
  )
  expect(
    kubectlYaml({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'c', creationTimestamp: '2026-05-01T10:00:00.000Z' },
      data: { mode: 'on', day: '2026-01-01', n: '8080', list: 'a' },
      spec: { ports: [{ port: 80 }] },
    }),
  ).toBe(
    [
      'apiVersion: v1',
      'data:',
      '  day: "2026-01-01"',
      '  list: a',
      '  mode: "on"',
      '  "n": "8080"',
      'kind: ConfigMap',
      'metadata:',
      '  creationTimestamp: "2026-05-01T10:00:00Z"',
      '  name: c',
      'spec:',
      '  ports:',
      '  - port: 80',
      '',
    ].join('\n'),
  )
})

test("a Secret's values are masked, a changed one as before/after", () => {
  const secret = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data })
  const [from, to] = maskSecrets(
    secret({ same: 'YQ==', changed: 'Yg==', gone: 'Yw==' }),
    secret({ same: 'YQ==', changed: 'ZA==', added: 'ZQ==' }),
  )
  expect(from?.data).toEqual({ same: '***', changed: '*** (before)', gone: '***' })
  expect(to?.data).toEqual({ same: '***', changed: '*** (after)', added: '***' })
  const config = { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } }
  expect(maskSecrets(config, config)).toEqual([config, config])
})

test('the new image goes into every container that runs its repository, whatever the kind', () => {
  expect(repositoryOf('registry:5000/team/shop:v1@sha256:abc')).toBe('registry:5000/team/shop')
  expect(repositoryOf('registry:5000/shop')).toBe('registry:5000/shop')
  const objects = [
    {
      kind: 'Deployment',
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'app', image: 'r/shop:v1' },
              { name: 'envoy', image: 'envoy:1' },
            ],
            initContainers: [{ name: 'migrate', image: 'r/shop:v1' }],
          },
        },
      },
    },
    {
      kind: 'CronJob',
      spec: {
        jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', image: 'r/shop@sha256:old' }] } } } },
      },
    },
    { kind: 'Service', spec: { ports: [{ port: 80 }] } },
  ]
  expect(setImage(objects, 'r/shop:v2@sha256:new')).toBe(3)
  expect(JSON.stringify(objects)).not.toContain('r/shop:v1')
  expect(JSON.stringify(objects)).toContain('envoy:1')
})

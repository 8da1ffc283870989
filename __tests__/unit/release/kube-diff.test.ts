// The Kubernetes diff of `deploy-actions plan`, as kubectl diff makes it: objects named and
// printed as kubectl prints them, a Secret's values masked, then the diff program kubectl runs
// (`diff -u -N LIVE MERGED`, or KUBECTL_EXTERNAL_DIFF) over the two folders: its output kept,
// exit 1 read as differences, above 1 an error naming the program, the folders removed after.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { removeDir, tempDir } from '@deploy-actions/testbed'
import { diffCommand, runDiffProgram } from '../../../packages/release/src/diff-program.ts'
import { diffFileName, kubectlYaml, maskSecrets } from '../../../packages/release/src/kube-diff.ts'

let scripts: string
beforeAll(() => {
  scripts = tempDir('diff-program-test')
})
afterAll(() => removeDir(scripts))

/** A stand-in diff program: records where and how it ran and what LIVE/x held, then exits `code`. */
function program(name: string, code: number, say = ''): { path: string; log: string } {
  const path = join(scripts, name)
  const log = `${path}.log`
  writeFileSync(
    path,
    `#!/bin/sh\nprintf '%s\\n' "$PWD" "$*" > '${log}'\ncat LIVE/x MERGED/x >> '${log}' 2>/dev/null\necho '${say}'\necho boom >&2\nexit ${code}\n`,
  )
  chmodSync(path, 0o755)
  return { path, log }
}

const files = [
  { name: 'apps.v1.Deployment.web.shop', live: 'a\nb\nc\n', merged: 'a\nB\nc\n' },
  { name: 'v1.ConfigMap.web.settings', live: '', merged: 'mode: "on"\nn: "1"\n' },
  { name: 'v1.Service.web.shop', live: 'same\n', merged: 'same\n' },
]

test('diff -u -N by default; KUBECTL_EXTERNAL_DIFF split as kubectl splits it, after the folders', () => {
  expect(diffCommand({}, 'LIVE', 'MERGED')).toEqual({
    program: 'diff',
    args: ['-u', '-N', 'LIVE', 'MERGED'],
    ignored: [],
  })
  expect(diffCommand({ KUBECTL_EXTERNAL_DIFF: 'colordiff -N -u --color=always a/b $HOME' }, 'L', 'M')).toEqual({
    program: 'colordiff',
    args: ['L', 'M', '-N', '-u', '--color=always'],
    ignored: ['a/b', '$HOME'],
  })
})

test("GNU diff over the LIVE and MERGED folders: each changed object's hunks, named LIVE/ and MERGED/", async () => {
  const { output, ignored } = await runDiffProgram(files, {})
  expect(output).toBe(
    [
      '--- LIVE/apps.v1.Deployment.web.shop',
      '+++ MERGED/apps.v1.Deployment.web.shop',
      '@@ -1,3 +1,3 @@',
      ' a',
      '-b',
      '+B',
      ' c',
      '--- LIVE/v1.ConfigMap.web.settings',
      '+++ MERGED/v1.ConfigMap.web.settings',
      '@@ -0,0 +1,2 @@',
      '+mode: "on"',
      '+n: "1"',
      '',
    ].join('\n'),
  )
  expect(ignored).toEqual([])
  expect(await runDiffProgram([files[2]!], {})).toEqual({ output: '', ignored: [] })
})

test('KUBECTL_EXTERNAL_DIFF runs in place of diff; exit 1 is differences; the folders are removed', async () => {
  const { path, log } = program('differ.sh', 1, 'x changed')
  const { output, ignored } = await runDiffProgram([{ name: 'x', live: 'old\n', merged: 'new\n' }], {
    KUBECTL_EXTERNAL_DIFF: `${path} --brief -q /etc/passwd`,
  })
  expect(output).toBe('x changed\n')
  expect(ignored).toEqual(['/etc/passwd'])
  const [cwd, args, ...seen] = readFileSync(log, 'utf8').trimEnd().split('\n')
  expect(args).toBe('LIVE MERGED --brief -q')
  expect(seen).toEqual(['old', 'new'])
  expect(cwd).toMatch(/deploy-actions-diff-/)
  expect(existsSync(cwd!)).toBe(false)
})

test('an exit above 1 is an error naming the program, with what it said; the folders are removed', async () => {
  const { path, log } = program('broken.sh', 2)
  await expect(runDiffProgram(files, { KUBECTL_EXTERNAL_DIFF: path })).rejects.toThrow(
    `failed to run "${path}": exit status 2: boom`,
  )
  const cwd = readFileSync(log, 'utf8').split('\n')[0]!
  expect(existsSync(cwd)).toBe(false)
})

test('a program that cannot be found is an error naming it', async () => {
  await expect(runDiffProgram(files, { KUBECTL_EXTERNAL_DIFF: '/nonexistent/difftool -u' })).rejects.toThrow(
    /^failed to run "\/nonexistent\/difftool" \(KUBECTL_EXTERNAL_DIFF\): /,
  )
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

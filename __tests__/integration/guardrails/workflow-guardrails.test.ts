// release.yml's record job rehearsed as the runner runs it: the lead time read from the GitHub
// REST API (the local server, through github.api_url and github.token) into the summary; no
// token, a warning and no lead time. The runner's bash steps run synchronously in the rehearsal,
// so the GitHub API runs in a process of its own. The preflight job's guardrails, staging check
// and notifications: __tests__/integration/workflows/release-guardrails-rehearsal.test.ts.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { type RehearsalOptions, rehearseJob, removeDir, tempDir } from '@deploy-actions/testbed'

const SHA = '0123456789abcdef0123456789abcdef01234567'
let github: ChildProcess
let githubUrl: string
const COMMITTED = new Date(Date.now() - 3 * 3_600_000 - 30_000).toISOString()
let workspace: string

beforeAll(async () => {
  const module = join(process.cwd(), 'packages/testbed/src/github-api.ts')
  github = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { startGitHubApi } = await import(${JSON.stringify(module)}); const api = await startGitHubApi(); api.commits.set('${SHA}', '${COMMITTED}'); console.log(api.url)`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const [line] = (await once(github.stdout!, 'data')) as [Buffer]
  githubUrl = line.toString().trim()
  workspace = tempDir('guardrails-workflow')
})
afterAll(async () => {
  github?.kill()
  if (workspace) removeDir(workspace)
})

const options = (job: string, extra: Partial<RehearsalOptions> = {}): RehearsalOptions => ({
  workflow: '.github/workflows/release.yml',
  job,
  workspace,
  env: { PATH: process.env.PATH, HOME: process.env.HOME },
  ...extra,
  inputs: {
    environment: 'production',
    'aws-region': 'us-east-1',
    'aws-role': 'arn:aws:iam::123456789012:role/release',
    'ecr-repository': 'shop',
    deployment: 'shop',
    ...extra.inputs,
  },
})
const success = (outputs: Record<string, string> = {}) => ({ result: 'success' as const, outputs })
const allWell = {
  preflight: success({ version: 'v1.0.0', frontends: '[]' }),
  image: success(),
  database: success(),
  deploy: success({ result: 'promoted' }),
  verify: success(),
  frontends: { result: 'skipped' as const, outputs: {} },
}

test('record: the lead time from the released commit into the summary', async () => {
  const record = await rehearseJob(
    options('record', { needs: allWell, github: { token: 'ghs_test', api_url: githubUrl } }),
  )
  expect(record.result).toBe('success')
  expect(record.summary).toMatch(/### Release v1\.0\.0 to production/)
  expect(record.summary).toMatch(/\*\*Lead time:\*\* 3h0[0-2]m \(commit `0123456` at .* → production\)/)
})

test('record: no lead time after a failure, or without a token (a warning says so)', async () => {
  const failed = await rehearseJob(
    options('record', {
      needs: { ...allWell, verify: { result: 'failure', outputs: {} } },
      github: { token: 'ghs_test', api_url: githubUrl },
    }),
  )
  expect(failed.result).toBe('failure')
  expect(failed.steps.find((s) => s.name === 'Lead time')?.conclusion).toBe('skipped')
  const anonymous = await rehearseJob(options('record', { needs: allWell, github: { api_url: githubUrl } }))
  expect(anonymous.result).toBe('success')
  expect(anonymous.summary).not.toMatch(/Lead time/)
  expect(anonymous.steps.find((s) => s.name === 'Lead time')?.log).toMatch(/no GitHub token: lead time not measured/)
})

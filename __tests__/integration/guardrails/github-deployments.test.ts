// GitHub Deployments through @actions/github's Octokit pointed (baseUrl) at a local server speaking
// the REST paths used: a deployment per release with statuses queued → in_progress →
// success/failure, log_url and environment_url; the outcome and commit time written so that the
// DORA figures come from the API alone (the `dora` command prints them).
import { getOctokit } from '@actions/github'
import { type GitHubApi, startGitHubApi } from '@deploy-actions/testbed'
import { doraCommand } from '../../../packages/release/src/guardrails/cli.ts'
import {
  leadTime,
  type Octokit,
  setStatus,
  startDeployment,
} from '../../../packages/release/src/guardrails/deployments.ts'
import { computeDora, fetchDeployments } from '../../../packages/release/src/guardrails/dora.ts'

let api: GitHubApi
let gh: Octokit
const repo = { owner: 'acme', repo: 'shop' }
const HOUR = 3_600_000

beforeAll(async () => {
  api = await startGitHubApi()
  gh = getOctokit('ghs_test', { baseUrl: api.url })
})
afterAll(async () => {
  await api?.stop()
})

let clock = Date.parse('2026-11-02T09:00:00Z')
const advance = (ms: number) => {
  clock += ms
}

async function release(sha: string, version: string, committed: string, ok: boolean, runMs: number) {
  api.commits.set(sha, committed)
  const started = await startDeployment(gh, repo, {
    ref: sha,
    environment: 'production',
    version,
    production: true,
    logUrl: `https://github.com/acme/shop/actions/runs/${version}`,
  })
  await setStatus(gh, repo, started.id, 'in_progress', { description: `releasing ${version}` })
  advance(runMs)
  await setStatus(gh, repo, started.id, ok ? 'success' : 'failure', {
    logUrl: `https://github.com/acme/shop/actions/runs/${version}`,
    environmentUrl: 'https://shop.example.com',
    description: ok ? `released ${version}` : 'canary aborted',
  })
  return started
}

test('one deployment per release: queued → in_progress → success, with the log and environment URLs', async () => {
  api.setNow(() => clock)
  const started = await release('a1b2c3', 'v1.0.0', '2026-11-02T07:00:00Z', true, HOUR / 2)
  expect(started.commitTime).toBe('2026-11-02T07:00:00Z')
  expect(leadTime(started.commitTime, clock)).toBe(2.5 * HOUR)
  const calls = api.calls.map((c) => `${c.method} ${c.path.replace(/\?.*/, '')}`)
  expect(calls).toEqual([
    'GET /repos/acme/shop/commits/a1b2c3',
    'POST /repos/acme/shop/deployments',
    `POST /repos/acme/shop/deployments/${started.id}/statuses`,
    `POST /repos/acme/shop/deployments/${started.id}/statuses`,
    `POST /repos/acme/shop/deployments/${started.id}/statuses`,
  ])
  expect(api.calls[1]!.body).toEqual({
    ref: 'a1b2c3',
    environment: 'production',
    auto_merge: false,
    required_contexts: [],
    production_environment: true,
    transient_environment: false,
    description: 'release v1.0.0',
    payload: { version: 'v1.0.0', commit_time: '2026-11-02T07:00:00Z' },
  })
  const d = api.deployments.find((x) => x.id === started.id)!
  expect(d.statuses.map((s) => s.state)).toEqual(['queued', 'in_progress', 'success'])
  expect(d.statuses[2]).toMatchObject({
    environment_url: 'https://shop.example.com',
    log_url: 'https://github.com/acme/shop/actions/runs/v1.0.0',
    description: 'released v1.0.0',
  })
})

test('DORA from the API: frequency, lead time, change failure rate, time to restore (inactive is not an outcome)', async () => {
  advance(24 * HOUR)
  await release('d4e5f6', 'v1.1.0', new Date(clock - 4 * HOUR).toISOString(), true, HOUR / 2) // lead 4.5 h
  advance(24 * HOUR)
  await release('0a0b0c', 'v1.2.0', new Date(clock - 1 * HOUR).toISOString(), false, HOUR / 4) // fails
  advance(3 * HOUR)
  await release('1a1b1c', 'v1.2.1', new Date(clock - 2 * HOUR).toISOString(), true, HOUR / 4) // restores
  // v1.0.0 was made inactive by v1.1.0's success (auto_inactive), and still counts as a success.
  const first = api.deployments[0]!
  expect(first.statuses.map((s) => s.state)).toEqual(['queued', 'in_progress', 'success', 'inactive'])

  const records = await fetchDeployments(gh, repo, 'production')
  expect(records.map((r) => [r.version, r.outcome])).toEqual([
    ['v1.2.1', 'success'],
    ['v1.2.0', 'failure'],
    ['v1.1.0', 'success'],
    ['v1.0.0', 'success'],
  ])
  const dora = computeDora(records, clock, 30)
  expect(dora).toMatchObject({
    deployments: 4,
    successes: 3,
    failures: 1,
    changeFailureRate: 0.25,
    // lead times 2.5 h, 4.5 h, 2.25 h → median 2.5 h
    leadTimeMedianMs: 2.5 * HOUR,
    // v1.2.0 failed at its failure status; v1.2.1's success came 3 h + 15 min later
    restores: [{ failed: 'v1.2.0', restoredBy: 'v1.2.1', ms: 3.25 * HOUR }],
    timeToRestoreMedianMs: 3.25 * HOUR,
    unrestored: [],
  })
})

test('the dora command prints them for a repository', async () => {
  const out: string[] = []
  const code = await doraCommand(
    ['--repo', 'acme/shop', '--days', '30'],
    { GITHUB_TOKEN: 'ghs_test', GITHUB_API_URL: api.url },
    (t) => out.push(t),
    clock,
  )
  expect(code).toBe(0)
  expect(out.join('\n')).toBe(
    [
      'DORA for acme/shop production, last 30 days (4 finished deployments)',
      '  deployment frequency  3 successful (0.7 a week)',
      '  lead time (median)    2h30m',
      '  change failure rate   25% (1 of 4)',
      '  time to restore       3h15m median: v1.2.0 → v1.2.1 3h15m',
    ].join('\n'),
  )
  const refused: string[] = []
  expect(await doraCommand(['--repo', 'shop'], { GITHUB_TOKEN: 't' }, (t) => refused.push(t))).toBe(2)
  expect(refused[0]).toMatch(/^deploy-actions dora: --repo: expected OWNER\/NAME/)
  expect(await doraCommand(['--repo', 'acme/shop'], {}, (t) => refused.push(t))).toBe(2)
  expect(refused[1]).toMatch(/GITHUB_TOKEN is not set/)
})

test('the local API refuses a request without a token, as GitHub does (401)', async () => {
  const res = await fetch(`${api.url}/repos/acme/shop/deployments`)
  expect(res.status).toBe(401)
  await res.arrayBuffer()
})

test('a deployment GitHub made for a job environment (no payload) gets its lead time from the commit', async () => {
  api.commits.set('2b2b2b', '2026-11-06T08:00:00Z')
  const { data } = await gh.rest.repos.createDeployment({ ...repo, ref: '2b2b2b', environment: 'staging' })
  const id = (data as { id: number }).id
  await setStatus(gh, repo, id, 'success')
  const [record] = await fetchDeployments(gh, repo, 'staging')
  expect(record).toMatchObject({
    version: '2b2b2b',
    outcome: 'success',
    commitTime: Date.parse('2026-11-06T08:00:00Z'),
  })
})

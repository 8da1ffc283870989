// GitHub Deployments through @actions/github's Octokit: one deployment per release and
// environment, statuses queued → in_progress → success/failure with the run's log_url and the
// service's environment_url. The deployment's payload carries the version and the commit's time,
// and its last final status is the release's outcome, so the DORA figures (dora.ts) can be
// computed from the Deployments API alone.
import type { getOctokit } from '@actions/github'

export type Octokit = ReturnType<typeof getOctokit>
export type DeploymentState = 'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive'

export interface Repo {
  owner: string
  repo: string
}

export interface DeploymentPayload {
  version: string
  /** ISO time of the released commit (the start of the lead time). */
  commit_time?: string
  /** What the release did when it failed ("rolled back", "canary aborted"). */
  [key: string]: unknown
}

export interface StartedDeployment {
  id: number
  commitTime?: string
}

/** "owner/name" → Repo; undefined when not of that form. */
export function repoOf(text: string | undefined): Repo | undefined {
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(text ?? '')
  return m ? { owner: m[1]!, repo: m[2]! } : undefined
}

/** The commit's committer time (the tag's commit: where lead time starts). */
export async function commitTime(gh: Octokit, r: Repo, ref: string): Promise<string | undefined> {
  const { data } = await gh.rest.repos.getCommit({ ...r, ref })
  return data.commit.committer?.date ?? data.commit.author?.date ?? undefined
}

/** Creates the deployment (no merge of the default branch, no required status checks) and marks it queued. */
export async function startDeployment(
  gh: Octokit,
  r: Repo,
  d: { ref: string; environment: string; version: string; production: boolean; logUrl?: string; description?: string },
): Promise<StartedDeployment> {
  const time = await commitTime(gh, r, d.ref).catch(() => undefined)
  const payload: DeploymentPayload = { version: d.version, ...(time ? { commit_time: time } : {}) }
  const res = await gh.rest.repos.createDeployment({
    ...r,
    ref: d.ref,
    environment: d.environment,
    auto_merge: false,
    required_contexts: [],
    production_environment: d.production,
    transient_environment: false,
    description: d.description ?? `release ${d.version}`,
    payload: payload as unknown as string,
  })
  // 202 is GitHub's "merged the default branch first" answer, which auto_merge: false rules out.
  if (res.status !== 201 || !('id' in res.data))
    throw new Error(`GitHub did not create a deployment of ${d.ref} (${res.status})`)
  await setStatus(gh, r, res.data.id, 'queued', { logUrl: d.logUrl, description: `release ${d.version} queued` })
  return { id: res.data.id, ...(time ? { commitTime: time } : {}) }
}

export async function setStatus(
  gh: Octokit,
  r: Repo,
  id: number,
  state: DeploymentState,
  o: { logUrl?: string; environmentUrl?: string; description?: string } = {},
): Promise<void> {
  await gh.rest.repos.createDeploymentStatus({
    ...r,
    deployment_id: id,
    state,
    // A successful deployment makes the environment's earlier ones inactive (GitHub's default).
    auto_inactive: true,
    ...(o.logUrl ? { log_url: o.logUrl } : {}),
    ...(o.environmentUrl ? { environment_url: o.environmentUrl } : {}),
    ...(o.description ? { description: o.description.slice(0, 140) } : {}),
  })
}

/** Lead time from the commit to now, in ms (undefined without the commit's time). */
export function leadTime(commit: string | undefined, now: number): number | undefined {
  const t = commit ? Date.parse(commit) : Number.NaN
  return Number.isNaN(t) ? undefined : Math.max(0, now - t)
}

/** The run's URL from the runner's variables (the deployment's log_url). */
export function runUrl(env: Record<string, string | undefined>): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run, GITHUB_RUN_ATTEMPT: attempt } = env
  if (!server || !repo || !run) return undefined
  return `${server}/${repo}/actions/runs/${run}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`
}

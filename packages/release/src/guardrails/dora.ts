// The four DORA figures of one environment from the Deployments API: deployment frequency, lead
// time (the payload's commit_time → the success status), change failure rate (finished
// deployments whose outcome is failure/error) and time to restore (a failed deployment → the next
// successful one). The outcome is a deployment's last *final* status: a later success makes the
// earlier ones `inactive` (auto_inactive), which is not an outcome and is skipped.
import { formatDuration } from '@deploy-actions/kit'
import { commitTime, type Octokit, type Repo } from './deployments.ts'

export interface DeploymentRecord {
  id: number
  version: string
  createdAt: number
  commitTime?: number
  outcome?: 'success' | 'failure'
  /** When the final status was written. */
  finishedAt?: number
}

export interface Dora {
  days: number
  deployments: number
  successes: number
  failures: number
  perWeek: number
  changeFailureRate?: number
  leadTimeMedianMs?: number
  timeToRestoreMedianMs?: number
  restores: Array<{ failed: string; restoredBy: string; ms: number }>
  /** Failures with no success after them yet. */
  unrestored: string[]
}

const median = (xs: number[]): number | undefined => {
  if (!xs.length) return undefined
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1]! + s[mid]!) / 2
}

export function computeDora(records: readonly DeploymentRecord[], now: number, days: number): Dora {
  const since = now - days * 86_400_000
  const finished = records
    .filter((r) => r.outcome && r.createdAt >= since)
    .sort((a, b) => (a.finishedAt ?? a.createdAt) - (b.finishedAt ?? b.createdAt))
  const successes = finished.filter((r) => r.outcome === 'success')
  const failures = finished.filter((r) => r.outcome === 'failure')
  const restores: Dora['restores'] = []
  const unrestored: string[] = []
  for (const f of failures) {
    const at = f.finishedAt ?? f.createdAt
    const next = successes.find((s) => (s.finishedAt ?? s.createdAt) > at)
    if (next)
      restores.push({ failed: f.version, restoredBy: next.version, ms: (next.finishedAt ?? next.createdAt) - at })
    else unrestored.push(f.version)
  }
  const lead = successes
    .filter((s) => s.commitTime !== undefined)
    .map((s) => (s.finishedAt ?? s.createdAt) - s.commitTime!)
  return {
    days,
    deployments: finished.length,
    successes: successes.length,
    failures: failures.length,
    perWeek: Math.round((successes.length / days) * 7 * 100) / 100,
    ...(finished.length ? { changeFailureRate: failures.length / finished.length } : {}),
    ...(lead.length ? { leadTimeMedianMs: median(lead) } : {}),
    ...(restores.length ? { timeToRestoreMedianMs: median(restores.map((r) => r.ms)) } : {}),
    restores,
    unrestored,
  }
}

export function formatDora(d: Dora, where: string): string {
  const pct = d.changeFailureRate === undefined ? 'n/a' : `${Math.round(d.changeFailureRate * 1000) / 10}%`
  const dur = (ms: number | undefined) => (ms === undefined ? 'n/a' : formatDuration(ms))
  const lines = [
    `DORA for ${where}, last ${d.days} days (${d.deployments} finished deployments)`,
    `  deployment frequency  ${d.successes} successful (${d.perWeek} a week)`,
    `  lead time (median)    ${dur(d.leadTimeMedianMs)}`,
    `  change failure rate   ${pct} (${d.failures} of ${d.deployments})`,
    `  time to restore       ${dur(d.timeToRestoreMedianMs)} median${d.restores.length ? `: ${d.restores.map((r) => `${r.failed} → ${r.restoredBy} ${formatDuration(r.ms)}`).join(', ')}` : ''}`,
  ]
  if (d.unrestored.length) lines.push(`  not restored yet      ${d.unrestored.join(', ')}`)
  return lines.join('\n')
}

/** The environment's deployments with their outcomes (the newest `limit`, 100 a page). */
export async function fetchDeployments(
  gh: Octokit,
  r: Repo,
  environment: string,
  limit = 300,
): Promise<DeploymentRecord[]> {
  const out: DeploymentRecord[] = []
  const times = new Map<string, string | undefined>()
  for (let page = 1; out.length < limit; page++) {
    const { data } = await gh.rest.repos.listDeployments({ ...r, environment, per_page: 100, page })
    for (const d of data) {
      const payload = (typeof d.payload === 'string' ? safeJson(d.payload) : d.payload) as Record<string, unknown>
      const { data: statuses } = await gh.rest.repos.listDeploymentStatuses({
        ...r,
        deployment_id: d.id,
        per_page: 100,
      })
      // Newest first: the first success/failure/error is the outcome.
      const final = statuses.find((s) => s.state === 'success' || s.state === 'failure' || s.state === 'error')
      // Deployments GitHub made for a job's environment have no payload: the commit's time then.
      const time =
        typeof payload?.commit_time === 'string' ? payload.commit_time : await commitTimeOf(gh, r, d.sha, times)
      const commit = time ? Date.parse(time) : Number.NaN
      out.push({
        id: d.id,
        version: typeof payload?.version === 'string' ? payload.version : d.ref,
        createdAt: Date.parse(d.created_at),
        ...(Number.isNaN(commit) ? {} : { commitTime: commit }),
        ...(final
          ? { outcome: final.state === 'success' ? 'success' : 'failure', finishedAt: Date.parse(final.created_at) }
          : {}),
      })
    }
    if (data.length < 100) break
  }
  return out.slice(0, limit)
}

async function commitTimeOf(gh: Octokit, r: Repo, sha: string, cache: Map<string, string | undefined>) {
  if (!cache.has(sha)) cache.set(sha, await commitTime(gh, r, sha).catch(() => undefined))
  return cache.get(sha)
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return {}
  }
}

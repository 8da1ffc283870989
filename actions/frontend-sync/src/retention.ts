// Old fingerprinted assets stay for open tabs. A tab still on the previous version loads its
// lazy chunks by their old names on its next route change; deleting them in the same deploy
// breaks it. So fingerprinted files that left the build are kept for a grace period (time or a
// number of releases) and deleted by a later sync; other files that left the build (HTML,
// manifests, fixed names) are deleted at once, since their names now serve the new build. Pure.
import type { Deletion } from './diff.ts'
import type { Retired } from './state.ts'

export type KeepPolicy = { kind: 'time'; ms: number } | { kind: 'releases'; count: number }

export interface Kept {
  key: string
  size: number
  lastRelease: number
  since: string
  /** When a later sync deletes it: `2026-12-08 10:40 UTC` or `with release 14`. */
  goes: string
}

export interface Retention {
  /** To delete now: stale files that are not fingerprinted, and kept ones past their grace. */
  deletes: Deletion[]
  /** The fingerprinted keys among `deletes` (deleted after their grace; never invalidated). */
  expired: string[]
  kept: Kept[]
  /** Kept for the first time (tagged as retired). */
  newlyRetired: string[]
  /** Kept before and back in the build now (their retired tag goes). */
  returned: string[]
  /** The retired records for the next state. */
  retired: Record<string, Retired>
}

export interface RetentionContext {
  previous: Readonly<Record<string, Retired>>
  localKeys: ReadonlySet<string>
  policy: KeepPolicy
  now: number
  /** This sync's release number (the previous one plus one when the site changes). */
  release: number
  isFingerprinted: (key: string) => boolean
}

function isoMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

function due(r: Retired, ctx: RetentionContext): { due: boolean; goes: string } {
  if (ctx.policy.kind === 'time') {
    const at = Date.parse(r.since) + ctx.policy.ms
    return { due: ctx.now >= at, goes: isoMinute(at) }
  }
  const release = r.lastRelease + ctx.policy.count + 1
  return { due: ctx.release >= release, goes: `with release ${release}` }
}

export function applyRetention(stale: readonly Deletion[], ctx: RetentionContext): Retention {
  const out: Retention = { deletes: [], expired: [], kept: [], newlyRetired: [], returned: [], retired: {} }
  for (const d of stale) {
    if (!ctx.isFingerprinted(d.key)) {
      out.deletes.push(d)
      continue
    }
    const before = ctx.previous[d.key]
    const record = before ?? { lastRelease: ctx.release - 1, since: new Date(ctx.now).toISOString() }
    const verdict = due(record, ctx)
    if (verdict.due) {
      out.deletes.push(d)
      out.expired.push(d.key)
      continue
    }
    out.retired[d.key] = record
    out.kept.push({ key: d.key, size: d.size, ...record, goes: verdict.goes })
    if (!before) out.newlyRetired.push(d.key)
  }
  for (const key of Object.keys(ctx.previous)) if (ctx.localKeys.has(key)) out.returned.push(key)
  return out
}

/** True when the stale set holds something a previous sync had not already kept (a new build). */
export function hasNewStale(stale: readonly Deletion[], previous: Readonly<Record<string, Retired>>): boolean {
  return stale.some((d) => !previous[d.key])
}

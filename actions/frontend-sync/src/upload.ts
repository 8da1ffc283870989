// The upload phase, in go-live order: assets, web app manifests, pages, service-worker manifests,
// service workers; each rank whole before the next, so nothing goes live before the files it
// references. After the first failure no new upload starts.
import { DeployError, formatBytes, mapLimit, progressReporter } from '@deploy-actions/kit'
import { where } from './compare.ts'
import type { SyncPlan, Upload } from './diff.ts'
import { type GoLiveRank, RANK_TITLES } from './files.ts'
import type { Inputs } from './inputs.ts'
import type { Deps } from './main.ts'
import type { Report } from './report.ts'

export function describeUpload(u: Upload): string {
  return `${u.reason === 'new' ? 'new    ' : 'changed'} ${u.key} (${formatBytes(u.size)}, ${u.contentType}, ${u.cacheControl})`
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** `onUploaded` sees each upload with the ETag S3 gave it (single-part uploads only). */
export async function uploadAll(
  inputs: Inputs,
  deps: Deps,
  plan: SyncPlan,
  report: Report,
  onUploaded: (upload: Upload, etag: string | undefined) => void = () => {},
): Promise<void> {
  const { log } = deps
  const ranks = [1, 2, 3, 4, 5] as const satisfies GoLiveRank[]
  const phases = ranks.map((rank) => ({
    title: `Upload ${RANK_TITLES[rank]}`,
    items: plan.uploads.filter((u) => u.phase === rank),
  }))
  const assets = phases[0]!.items.length
  const entries = plan.uploads.length - assets
  for (const [i, phase] of phases.entries()) {
    if (phase.items.length === 0) continue
    await log.group(`${phase.title} (${phase.items.length})`, async () => {
      let failure: { error: unknown } | undefined
      let done = 0
      // A line at least every 20 s even while one large file is still going up.
      const progress = progressReporter(phase.title.toLowerCase(), (line) => log.info(line), deps.clock)
      const ticker = setInterval(() => progress.tick(`${done} of ${phase.items.length} done`), 5000)
      try {
        await mapLimit(phase.items, inputs.concurrency, async (u) => {
          if (failure || deps.signal?.aborted) return
          try {
            const { etag } = await deps.s3.upload(inputs.bucket, u, deps.signal)
            onUploaded(u, etag)
            done++
            report.uploaded++
            report.bytesUploaded += u.size
            log.info(describeUpload(u))
          } catch (error) {
            failure ??= { error }
          }
        })
      } finally {
        clearInterval(ticker)
      }
      // Cancelled: the uploads in flight were aborted; the left: line comes from the report.
      deps.signal?.throwIfAborted()
      if (!failure) return
      const entriesDone = phases.slice(1, i).reduce((n, p) => n + p.items.length, 0) + done
      const left =
        i === 0
          ? `${done} of ${assets} assets uploaded; no HTML, service worker or manifest replaced and nothing deleted, so the live site still works; re-run to finish`
          : `all ${assets} assets and ${entriesDone} of ${entries} entry points (${RANK_TITLES[ranks[i]!]} partly) uploaded, nothing deleted; re-run to finish`
      throw new DeployError(`upload to ${where(inputs)} failed: ${message(failure.error)}`, {
        leftState: left,
        cause: failure.error,
      })
    })
  }
}

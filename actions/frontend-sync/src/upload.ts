// The upload phase: assets first, then HTML, service workers and manifests, so no page goes live
// before the files it references. After the first failure no new upload starts.
import { DeployError, formatBytes, mapLimit, progressReporter } from '@deploy-actions/kit'
import { where } from './compare.ts'
import type { SyncPlan, Upload } from './diff.ts'
import type { Inputs } from './inputs.ts'
import type { Deps } from './main.ts'
import type { Report } from './report.ts'

export function describeUpload(u: Upload): string {
  return `${u.reason === 'new' ? 'new    ' : 'changed'} ${u.key} (${formatBytes(u.size)}, ${u.contentType}, ${u.cacheControl})`
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export async function uploadAll(inputs: Inputs, deps: Deps, plan: SyncPlan, report: Report): Promise<void> {
  const { log } = deps
  const phases: Array<{ title: string; items: Upload[] }> = [
    { title: 'Upload assets', items: plan.uploads.filter((u) => u.phase === 1) },
    { title: 'Upload HTML, service workers and manifests', items: plan.uploads.filter((u) => u.phase === 2) },
  ]
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
          if (failure) return
          try {
            await deps.s3.upload(inputs.bucket, u)
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
      if (!failure) return
      const left =
        i === 0
          ? `${done} of ${phase.items.length} assets uploaded; no HTML, service worker or manifest replaced and nothing deleted, so the live site still works; re-run to finish`
          : `all ${phases[0]!.items.length} assets and ${done} of ${phase.items.length} entry points uploaded, nothing deleted; re-run to finish`
      throw new DeployError(`upload to ${where(inputs)} failed: ${message(failure.error)}`, {
        leftState: left,
        cause: failure.error,
      })
    })
  }
}

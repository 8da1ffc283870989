// Cancellation: the runner sends SIGINT, then SIGTERM 7.5 s later. Whatever rollback already wrote
// stays written (an undo is one replace), so the run stops waiting, says what it left, writes
// its outputs and summary, and exits failed.
import type { RollbackReport } from './report.ts'

export function onCancel(
  report: RollbackReport,
  finish: () => Promise<unknown>,
  fail: (message: string) => void,
): () => void {
  const handler = (signal: NodeJS.Signals) => {
    report.outcome = 'cancelled'
    report.leftState =
      report.fromRevision === undefined
        ? `${report.deployment}: nothing rolled back`
        : `${report.deployment} rolled back to ${report.images.join(', ')} (written), rollout not awaited`
    report.error = `cancelled (${signal})`
    void finish().finally(() => {
      fail(`rollback cancelled by ${signal} (left: ${report.leftState})`)
      process.exit(1)
    })
  }
  process.once('SIGINT', handler)
  process.once('SIGTERM', handler)
  return () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
}

// The post step (runs on cancellation too, post-if: always()): if the main step started a
// canary and did not finish with it (promoted, aborted or deliberately paused), abort it now,
// so a cancelled job leaves the stable serving 100%.
import { realClock } from '@deploy-actions/kit'
import {
  coreLogger,
  getInput,
  getState,
  maskSecret,
  saveState,
  setOutputs,
  writeSummary,
} from '@deploy-actions/kit/runtime'
import { parseInputs } from './inputs.ts'
import { newReport, outputsOf, renderSummary } from './report.ts'

export async function post(): Promise<void> {
  const started = getState('canary')
  if (!started) return
  const [namespace, deployment] = started.split('/') as [string, string]
  const inputs = {
    ...parseInputs(getInput, process.env),
    action: 'abort' as const,
    namespace,
    deployment,
    abortReason: 'the job ended (cancelled or killed) with its canary still running; aborted by the post step',
  }
  for (const secret of inputs.secrets) maskSecret(secret)
  const report = newReport(inputs, Date.now())
  try {
    const [{ connectPorts }, { run }] = await Promise.all([import('./ports.ts'), import('./main.ts')])
    const ports = await connectPorts(inputs, { onSecret: maskSecret, env: process.env })
    coreLogger.info(`post: the canary this job started (${started}) was left running; aborting it`)
    await run(inputs, { ...ports, clock: realClock, log: coreLogger, remember: (c) => saveState('canary', c) }, report)
  } finally {
    setOutputs(outputsOf(report))
    await writeSummary(renderSummary(report))
  }
}

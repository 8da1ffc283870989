import { coreLogger, maskSecret, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { readInputs } from './inputs.ts'

void runAction(async () => {
  const inputs = readInputs(maskSecret) // bad input fails here, before the driver is even loaded
  const { newReport } = await import('@deploy-actions/flyway')
  const { run, writeReport, outputsOf } = await import('./main.ts')
  const { renderSummary } = await import('./summary.ts')
  const report = newReport(inputs.command, inputs.dryRun)
  let outcome: 'succeeded' | 'failed' = 'failed'
  try {
    await run(inputs, { log: coreLogger }, report)
    outcome = 'succeeded'
  } finally {
    setOutputs(outputsOf(report, writeReport(report)))
    await writeSummary(renderSummary(report, inputs.displayUrl, outcome))
  }
})

// rds-snapshot: pre-migration snapshots, pruning and restore for RDS instances and Aurora clusters.
// Inputs are read and validated first; the AWS SDK is loaded only after that.
import { realClock } from '@deploy-actions/kit'
import { coreLogger, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { readInputs } from './inputs.ts'
import { emptyReport, outputsOf, renderSummary } from './report.ts'

void runAction(async () => {
  const inputs = readInputs()
  const report = emptyReport(inputs.mode, inputs.dryRun)
  try {
    const [{ createRdsPort }, { run }] = await Promise.all([import('./rds.ts'), import('./main.ts')])
    await run(inputs, { rds: createRdsPort(inputs.region), clock: realClock, log: coreLogger }, report)
  } finally {
    setOutputs(outputsOf(report))
    await writeSummary(renderSummary(report))
  }
})

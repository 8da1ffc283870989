// rds-snapshot: pre-migration snapshots, pruning and restore for RDS instances and Aurora clusters.
// Inputs are parsed first; the AWS SDK is loaded only once they are valid.
import { realClock } from '@deploy-actions/kit'
import { coreLogger, getInput, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { parseInputs } from './inputs.ts'
import { leftOf, newReport, outputsOf, renderSummary } from './report.ts'

void runAction(async ({ signal, left }) => {
  const inputs = parseInputs(getInput, process.env)
  const report = newReport(inputs)
  left(() => leftOf(report))
  try {
    const [{ rdsPorts }, { run }] = await Promise.all([import('./ports.ts'), import('./main.ts')])
    await run(inputs, { rds: rdsPorts(inputs.region), clock: realClock, log: coreLogger, signal }, report)
  } finally {
    setOutputs(outputsOf(report))
    await writeSummary(renderSummary(report))
  }
})

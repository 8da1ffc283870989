// rollback entry point: the only import-time side effect. Inputs are parsed before client-node
// loads; outputs and the summary are written however the run ends, cancellation included.
import { coreLogger, getInput, maskSecret, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { parseInputs } from './inputs.ts'
import { newReport, outputsOf, renderSummary } from './report.ts'

void runAction(async () => {
  const inputs = parseInputs(getInput, process.env) // bad input fails here, before any request
  const report = newReport(inputs)
  const finish = () => Promise.all([setOutputs(outputsOf(report)), writeSummary(renderSummary(report))])
  const { onCancel } = await import('./cancel.ts')
  const stop = onCancel(report, finish, (message) => coreLogger.error(message))
  const [{ connectRollbackPorts }, { run }] = await Promise.all([import('./ports.ts'), import('./main.ts')])
  try {
    await run(inputs, await connectRollbackPorts(inputs, { log: coreLogger, onSecret: maskSecret }), report)
  } finally {
    stop()
    await finish()
  }
})

// rollback entry point: the only import-time side effect. Inputs are parsed before client-node
// loads; outputs and the summary are written however the run ends, cancellation included.
import { coreLogger, getInput, maskSecret, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { parseInputs } from './inputs.ts'
import { leftOf, newReport, outputsOf, renderSummary } from './report.ts'

void runAction(async ({ signal, left }) => {
  const inputs = parseInputs(getInput, process.env) // bad input fails here, before any request
  const report = newReport(inputs)
  left(() => leftOf(report))
  const [{ connectRollbackPorts }, { run }] = await Promise.all([import('./ports.ts'), import('./main.ts')])
  try {
    const ports = await connectRollbackPorts(inputs, { log: coreLogger, onSecret: maskSecret })
    await run(inputs, { ...ports, signal }, report)
  } finally {
    setOutputs(outputsOf(report))
    await writeSummary(renderSummary(report))
  }
})

// guardrails entry point: the only import-time side effect. Inputs (and the webhook URLs, masked
// first) are checked before the SDK or client-node loads; outputs and the summary are written
// however it ends.
import { describeError } from '@deploy-actions/kit'
import { coreLogger, getInput, maskSecret, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { type CheckInputs, parseInputs } from './inputs.ts'
import { newReport, outputsOf, renderSummary } from './report.ts'

void runAction(async () => {
  for (const name of ['slack-webhook', 'teams-webhook']) maskSecret(getInput(name))
  const inputs = parseInputs(getInput, process.env) // bad input fails here, before any request
  const report = newReport(inputs)
  const [{ preflightPortsOf }, { run }] = await Promise.all([import('./ports.ts'), import('./main.ts')])
  try {
    const deps = {
      now: () => Date.now(),
      log: (line: string) => coreLogger.info(line),
      warn: (line: string) => coreLogger.warning(line),
      preflight: (i: CheckInputs) => preflightPortsOf(i, maskSecret),
      env: process.env,
    }
    await coreLogger.group(`Release guardrails: ${inputs.mode}`, () => run(inputs, deps, report))
  } catch (error) {
    if ((error as Error)?.name !== 'Blocked') report.error ??= describeError(error)
    throw error
  } finally {
    setOutputs(outputsOf(report))
    await writeSummary(renderSummary(report))
  }
})

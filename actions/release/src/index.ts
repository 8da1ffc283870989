// The root action (uses: org/deploy-actions@v1): the only import-time side effect. The plan's
// input is checked before anything runs; outputs and the summary are written however it ends.
import { describeError } from '@deploy-actions/kit'
import { coreLogger, getInput, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { readPlanFile } from '../../../packages/release/src/plan-path.ts'
import { parseInputs } from './inputs.ts'
import { outputsOf, type Report, renderSummary } from './report.ts'

void runAction(async ({ signal }) => {
  const inputs = parseInputs(getInput, process.env)
  readPlanFile(inputs.plan, process.env) // a plan that cannot be read fails before the engine loads
  const { run } = await import('./main.ts')
  const report: Report = {}
  try {
    await run(
      inputs,
      { log: (line) => console.log(line), warn: (line) => coreLogger.warning(line), signal, env: process.env },
      report,
    )
  } catch (error) {
    report.error ??= describeError(error)
    throw error
  } finally {
    setOutputs(outputsOf(report))
    await writeSummary(renderSummary(report))
  }
})

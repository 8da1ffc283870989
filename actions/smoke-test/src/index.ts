import { DeployError } from '@deploy-actions/kit'
import { coreLogger, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { readInputs } from './inputs.ts'

void runAction(async () => {
  const inputs = readInputs() // bad input fails here, before any request
  const { run } = await import('./main.ts')
  const result = await run(inputs, { log: coreLogger })
  setOutputs({ result: result.result, passed: result.passed, failed: result.failed, report: result.reportPath })
  await writeSummary(result.summary)
  if (result.result === 'failure') throw new DeployError(result.message)
})

// smoke-test entry point: the only import-time side effect.
import * as runtime from '@deploy-actions/kit/runtime'
import { parseInputs } from './inputs.ts'
import { leftOf, newReport, outputsOf, renderSummary } from './report.ts'

void runtime.runAction(async ({ signal, left }) => {
  const inputs = parseInputs(runtime.getInput, process.env) // bad input fails here, before any request
  for (const secret of inputs.secrets) runtime.maskSecret(secret)
  const [{ httpProbe, writeReportFile }, { run }] = await Promise.all([import('./ports.ts'), import('./main.ts')])
  const report = newReport(inputs)
  left(() => leftOf(report))
  try {
    await run(
      inputs,
      {
        log: runtime.coreLogger,
        probe: httpProbe(fetch, undefined, inputs.redirects),
        writeFile: writeReportFile,
        signal,
      },
      report,
    )
  } finally {
    runtime.setOutputs(outputsOf(report))
    if (report.outcomes.length) await runtime.writeSummary(renderSummary(report))
  }
})

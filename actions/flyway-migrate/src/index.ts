// flyway-migrate: Flyway-compatible migrations for PostgreSQL. Secrets are masked and inputs parsed
// first; the engine and the driver load only once the inputs are valid.
import { existsSync, readFileSync } from 'node:fs'
import { coreLogger, getInput, maskSecret, runAction, setOutputs, writeSummary } from '@deploy-actions/kit/runtime'
import { parseInputs } from './inputs.ts'
import { newReport, outputsOf, renderSummary } from './report.ts'

void runAction(async ({ signal }) => {
  const readFile = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined)
  const inputs = parseInputs(getInput, process.env, maskSecret, readFile)
  const report = newReport(inputs)
  const [{ flywayPorts }, { run }] = await Promise.all([import('./ports.ts'), import('./main.ts')])
  const ports = flywayPorts()
  try {
    await run(inputs, { ...ports, log: coreLogger, signal }, report)
  } finally {
    report.reportFile = ports.writeReportFile(report)
    setOutputs(outputsOf(report))
    await writeSummary(renderSummary(report))
  }
})

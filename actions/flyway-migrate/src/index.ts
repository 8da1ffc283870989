// flyway-migrate: Flyway-compatible migrations for PostgreSQL. Secrets are masked and inputs parsed
// first; the engine and the driver load only once the inputs are valid. The post step removes a
// tunnel's proxy pod that a cancelled main step could not.
import { existsSync, readFileSync } from 'node:fs'
import {
  coreLogger,
  getInput,
  getState,
  maskSecret,
  runAction,
  saveState,
  setOutputs,
  writeSummary,
} from '@deploy-actions/kit/runtime'
import { parseInputs } from './inputs.ts'
import { newReport, outputsOf, renderSummary } from './report.ts'

const readFile = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined)

void runAction(
  async ({ signal }) => {
    const inputs = parseInputs(getInput, process.env, maskSecret, readFile)
    const report = newReport(inputs)
    const [{ flywayPorts }, { run }, { withDatabase }] = await Promise.all([
      import('./ports.ts'),
      import('./main.ts'),
      import('./reach.ts'),
    ])
    const ports = flywayPorts()
    const reachDeps = { log: coreLogger, env: process.env, onSecret: maskSecret, saveState, signal }
    try {
      await withDatabase(inputs, reachDeps, report, (reached) =>
        run({ ...inputs, ...reached }, { ...ports, log: coreLogger, signal }, report),
      )
    } finally {
      report.reportFile = ports.writeReportFile(report)
      setOutputs(outputsOf(report))
      await writeSummary(renderSummary(report))
    }
  },
  async () => {
    if (!getState('tunnel-pod')) return
    const inputs = parseInputs(getInput, process.env, maskSecret, readFile)
    const { cleanUp } = await import('./post.ts')
    await cleanUp(inputs, getState, { log: coreLogger, env: process.env, onSecret: maskSecret })
  },
)

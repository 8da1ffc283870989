// Where the release plan is and whether it can be read: shared by the session and by the root
// action, which checks it before the engine loads (a missing plan is an input error, found fast).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { ConfigurationError } from '@deploy-actions/kit'

/** The plan's text, read from the workspace (else the working directory); `path` is where it is. */
export function readPlanFile(
  planFile: string,
  env: Record<string, string | undefined>,
): { path: string; text: string } {
  const path = resolve(env.GITHUB_WORKSPACE ?? process.cwd(), planFile)
  try {
    return { path, text: readFileSync(path, 'utf8') }
  } catch {
    throw new ConfigurationError('plan', `the path of a release plan (YAML); ${planFile} cannot be read`)
  }
}

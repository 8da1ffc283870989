// The only reader of the root action's inputs: pure, validated before any step runs.
import { ConfigurationError, type InputGetter, parseEnum } from '@deploy-actions/kit'

export interface Inputs {
  /** Path of the release plan, relative to the workspace. */
  plan: string
  /** release: run it; plan: write what it would do (markdown) to the summary and the `plan` output. */
  command: 'release' | 'plan'
  /** Overrides the plan's version and the tag of GITHUB_REF; undefined = theirs. */
  version: string | undefined
}

export function parseInputs(get: InputGetter, _env: NodeJS.ProcessEnv = {}): Inputs {
  const plan = get('plan') || 'release.yaml'
  if (!/\.ya?ml$/i.test(plan))
    throw new ConfigurationError('plan', 'the path of a YAML release plan (…/release.yaml)', plan)
  const command = parseEnum('command', get('command'), ['release', 'plan'] as const, 'release')
  const version = get('version') || undefined
  if (version && !/^[\w][\w.+-]{0,127}$/.test(version)) {
    throw new ConfigurationError('version', 'a version like v2.1.0 (letters, digits, . + - _)', version)
  }
  return { plan, command, version }
}

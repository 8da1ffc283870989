// Where the actions' bundles are, and what each action's public face (`<short>/action.yml`)
// declares. The release runs each step as its bundle, exactly as the runner runs
// `uses: org/deploy-actions/<short>@v1`, so a release from a plan file and a release from the
// reusable workflow execute the same code with the same inputs.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export type ActionName =
  | 'ecr-push'
  | 'rds-snapshot'
  | 'flyway-migrate'
  | 'canary'
  | 'rollback'
  | 'smoke-test'
  | 'frontend-sync'

export interface ActionFace {
  short: ActionName
  /** dist/<bundle>/index.js */
  main: string
  /** The post step, when action.yml declares one (it runs the same bundle again with the saved state). */
  post: boolean
  /** Declared inputs and their defaults (a default is what the runner passes for an unset input). */
  inputs: Record<string, { default?: string; required?: boolean }>
}

/**
 * The repository root: from the sources, packages/release/src/../../..; from the root action's
 * bundle (dist/release/index.js) and its chunks, dist/release/.. /.. . DEPLOY_ACTIONS_ROOT wins.
 */
export function repositoryRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DEPLOY_ACTIONS_ROOT) return resolve(env.DEPLOY_ACTIONS_ROOT)
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'action.yml')) && existsSync(join(dir, 'canary', 'action.yml'))) return dir
    dir = dirname(dir)
  }
  throw new Error('cannot find the deploy-actions repository root (set DEPLOY_ACTIONS_ROOT)')
}

/** Reads `<root>/<short>/action.yml`: the bundle it runs, its post step and its inputs. */
export function actionFace(short: ActionName, root: string, distDir = join(root, 'dist')): ActionFace {
  const file = join(root, short, 'action.yml')
  const yml = parse(readFileSync(file, 'utf8')) as {
    inputs?: Record<string, { default?: unknown; required?: boolean }>
    runs: { main: string; post?: string }
  }
  const bundle = /^\.\.\/dist\/([a-z0-9-]+)\/index\.js$/.exec(yml.runs.main)?.[1]
  if (!bundle) throw new Error(`${file}: runs.main is not ../dist/<name>/index.js`)
  const inputs: ActionFace['inputs'] = {}
  for (const [name, spec] of Object.entries(yml.inputs ?? {})) {
    inputs[name] = {
      ...(spec.default !== undefined ? { default: String(spec.default) } : {}),
      ...(spec.required ? { required: true } : {}),
    }
  }
  return { short, main: join(distDir, bundle, 'index.js'), post: yml.runs.post !== undefined, inputs }
}

// @actions/exec in bundles, loaded on first call instead of at start. @actions/core's index imports
// it for `core.platform` (platform.js), and with it @actions/io, child_process and assert: about
// 6 ms of every action's start, though our actions run a command, if ever, after validation.
// The root tsconfig.json's `paths` maps the bare specifier `@actions/exec` here (see
// lazy-http-client.cjs for how ncc applies it); tsc reads these types, Node and jest the real module.
// Both exports are async in the real module too, so a wrapper that loads it first behaves alike:
// the command starts once the module is loaded (in bundles, its own chunk), a few ms later.
import type * as Real from '../../../node_modules/@actions/exec/lib/exec.js'

export type { ExecListeners, ExecOptions, ExecOutput } from '../../../node_modules/@actions/exec/lib/exec.js'

const real = (): Promise<typeof Real> => import('../../../node_modules/@actions/exec/lib/exec.js')

export const exec: typeof Real.exec = async (commandLine, args, options) =>
  (await real()).exec(commandLine, args, options)

export const getExecOutput: typeof Real.getExecOutput = async (commandLine, args, options) =>
  (await real()).getExecOutput(commandLine, args, options)

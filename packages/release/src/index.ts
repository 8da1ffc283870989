// The release from one plan file: the plan's schema, the ordered steps with the runbooks' gates,
// the step runner (each action as its bundle, as the runner runs it), `plan` as markdown.
export * from './bundles.ts'
export * from './next-steps.ts'
export * from './plan-command.ts'
export * from './plan-file.ts'
export * from './release.ts'
export * from './run-step.ts'
export * from './schema.ts'
export * from './session.ts'
export * from './step-inputs.ts'
export * from './step-log.ts'
export * from './steps.ts'
export type * from './types.ts'

// The kit's pure parts. Runner-bound helpers (runAction, coreLogger, masking, outputs,
// summaries) live in `@deploy-actions/kit/runtime`, so pure modules never load @actions/core.
export * from './clock.ts'
export * from './duration.ts'
export * from './errors.ts'
export * from './inputs.ts'
export * from './log.ts'
export * from './mask.ts'
export * from './progress.ts'
export * from './retry.ts'
export * from './sanitize.ts'
export * from './summary.ts'
export * from './version.ts'
export * from './limit.ts'

// Release guardrails: deployment windows and freezes (IANA zones through Intl, break-glass),
// preflight checks, maintenance mode, GitHub Deployments with the DORA figures, Slack and Teams
// notifications; as release steps (steps.ts) and pure modules.
export * from './deployments.ts'
export * from './dora.ts'
export * from './maintenance.ts'
export * from './notify.ts'
export * from './preflight.ts'
export * from './steps.ts'
export * from './window.ts'
export * from './zoned-time.ts'

// @deploy-actions/http-check: the HTTP check engine smoke-test and the canary's HTTP analysis
// share: the check model and its YAML parsing (checks.ts), JSON paths and the evaluation of an
// answer, and the probe (one request with native fetch, redirects followed by hand so secret
// headers never reach another origin). Light to import: kit and yaml only, so an action's
// parseInputs can use the parser synchronously.
export * from './checks.ts'
export * from './json-path.ts'
export * from './probe.ts'

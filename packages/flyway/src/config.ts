// `@deploy-actions/flyway/config`: what an action's input parsing and report need of the package
// (commands, naming, encodings, versions, URLs, ignore patterns, the report), without the engine
// and its driver, so that an action rejecting a bad input loads none of them.

export { DEFAULT_NAMING, type Naming } from './names.ts'
export type { PlaceholderSyntax } from './placeholders.ts'
export { type InfoRow, ignorePatternProblem, stateCounts } from './plan.ts'
export { COMMANDS, type Command, newReport, type Report } from './report.ts'
export { ENCODINGS } from './scan.ts'
export { type ConnectionSettings, parseDatabaseUrl, redactUrl, UrlError, urlSecrets } from './url.ts'
export { parseVersion, type Version } from './version.ts'

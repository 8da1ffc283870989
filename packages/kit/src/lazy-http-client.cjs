// @actions/http-client, loaded on first use instead of at start. @actions/core's index imports it
// for getIDToken (oidc-utils.js), and it imports undici and tunnel at the top: about 45 ms of every
// action's start on Node 24, for a client no action of ours uses before its inputs are valid
// (only @actions/github's Octokit does, and that loads after validation).
// The root tsconfig.json's `paths` maps the bare specifier `@actions/http-client` here; ncc (its
// TsconfigPathsPlugin, reading tsconfig.json from the working directory) applies it to every
// importer, node_modules included. Only bundles see it: Node and jest run the real module.
// A CommonJS `require` inside a function is what a bundler leaves to run when called; the real
// module is named by its file, which the mapping does not catch. Every export is a getter, so
// `httpClient.HttpClient` (as @actions/core and @actions/github read it) loads the module then.
let real
const load = () => {
  real ??= require('../../../node_modules/@actions/http-client/lib/index.js')
  return real
}
/** The names @actions/http-client 4.x exports (checked against the real module by a unit test). */
const NAMES = [
  'HttpCodes',
  'Headers',
  'MediaTypes',
  'getProxyUrl',
  'HttpClientError',
  'HttpClientResponse',
  'isHttps',
  'HttpClient',
]
for (const name of NAMES) Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] })

// @actions/http-client in bundles, loaded only when asked for instead of at start. @actions/core's
// index imports it for getIDToken (oidc-utils.js), and it imports undici and tunnel at the top:
// about 45 ms of every action's start on Node 24 (evaluation, and compiling an entry file three
// times larger), for a client no action of ours uses before its inputs are valid.
// The root tsconfig.json's `paths` maps the bare specifier `@actions/http-client` here; ncc (its
// TsconfigPathsPlugin, reading tsconfig.json from the working directory) applies it to every
// importer, node_modules included. Only bundles see it: Node and jest run the real module.
// The real module is named by its file, which the mapping does not catch, and loaded by `import()`,
// so the bundler puts it (and undici) in a chunk of its own. Its users get it through `load()`
// first: kit's githubToolkit() does that before @actions/github's module reads `getProxyAgent`
// (it does at import, to build Octokit's defaults).
let real

/** Loads the real module; the names below read from it afterwards. */
const load = async () => {
  real ??= await import('../../../node_modules/@actions/http-client/lib/index.js')
}
exports.load = load
// How kit's githubToolkit() finds this loader without importing this file: only bundles evaluate
// it (at start, through @actions/core's index), and Node and jest run the real client, which needs
// no loading (jest would also read every getter below while importing this file from ESM).
globalThis[Symbol.for('@deploy-actions/kit.loadHttpClient')] = load

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
for (const name of NAMES) {
  Object.defineProperty(exports, name, {
    enumerable: true,
    get() {
      if (!real) {
        throw new Error(
          `@actions/http-client's ${name} was read before the client was loaded: import @actions/github through githubToolkit() of @deploy-actions/kit/runtime (core.getIDToken is not supported in these bundles)`,
        )
      }
      return real[name]
    },
  })
}

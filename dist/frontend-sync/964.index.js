export const id = 964;
export const ids = [964];
export const modules = {

/***/ 3964:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  SHA256_METADATA: () => (/* reexport */ config/* SHA256_METADATA */.yn),
  buildPlan: () => (/* binding */ buildPlan),
  bytesOf: () => (/* reexport */ src_diff/* bytesOf */.$$),
  compare: () => (/* reexport */ src_diff/* compare */.UD),
  completePlan: () => (/* binding */ completePlan),
  isExcluded: () => (/* binding */ isExcluded),
  isMultipartEtag: () => (/* reexport */ src_diff/* isMultipartEtag */.iP),
  largest: () => (/* reexport */ src_diff/* largest */.nQ),
  normalizeEtag: () => (/* reexport */ src_diff/* normalizeEtag */.Pt),
  normalizePrefix: () => (/* reexport */ config/* normalizePrefix */.iG)
});

// EXTERNAL MODULE: ./actions/frontend-sync/src/diff.ts
var src_diff = __webpack_require__(6609);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/mime-types/index.js
var mime_types = __webpack_require__(4096);
// EXTERNAL MODULE: ./node_modules/minimatch/dist/esm/index.js + 7 modules
var esm = __webpack_require__(3581);
;// CONCATENATED MODULE: ./actions/frontend-sync/src/rules.ts
// Per-file headers: Cache-Control by glob rules with defaults, Content-Type from mime-types
// with overrides, and which files are "entry points" that must go live after their assets.
// Pure: no SDK, no @actions/*.




/** Fingerprinted assets never change under their name: cache them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Entry points (HTML, service workers, manifests): the browser revalidates every time. */
const NO_CACHE = 'no-cache';
/**
 * Everything else (favicon.ico, robots.txt, images referenced by a fixed name): five minutes,
 * so a changed file reaches browsers soon after its invalidation while repeat views stay cached.
 */
const DEFAULT_CACHE = 'public, max-age=300';
/** Files the site's pages or workers load under a fixed name: uploaded after every asset. */
const SERVICE_WORKERS = new Set(['sw.js', 'service-worker.js', 'ngsw-worker.js', 'firebase-messaging-sw.js']);
const MANIFESTS = new Set(['manifest.json', 'asset-manifest.json', 'ngsw.json', 'site.webmanifest']);
/** Globs matched against the path relative to `source` (`*.html` matches at any depth). */
const GLOB_OPTIONS = { dot: true, matchBase: true };
function matchesGlob(path, glob) {
    return (0,esm/* minimatch */.xF)(path, glob, GLOB_OPTIONS);
}
function fileKind(path) {
    const base = external_node_path_.posix.basename(path).toLowerCase();
    if (base.endsWith('.html') || base.endsWith('.htm'))
        return 'html';
    if (SERVICE_WORKERS.has(base))
        return 'service-worker';
    if (MANIFESTS.has(base) || base.endsWith('.webmanifest'))
        return 'manifest';
    return 'asset';
}
/** HTML, service workers and manifests go live last, once every asset they reference is there. */
function isEntryPoint(path) {
    return fileKind(path) !== 'asset';
}
/** True when a path's last name part is a build content hash; the test in `isFingerprinted`. */
function isHashToken(token, separator) {
    const digit = /\d/.test(token);
    // webpack/CRA/Next `main.3f2a9c1b.js`, `index-5b4a6d3c2e1f0a9b.js`: 8 to 64 lower-case hex.
    if (/^[0-9a-f]{8,64}$/.test(token))
        return digit;
    // esbuild/Angular `chunk-AB12CD34.js`, `styles-5INURTSO.css`: 8 upper-case base32 characters.
    if (/^[A-Z0-9]{8}$/.test(token))
        return digit && /[A-Z]/.test(token);
    // Vite/Rollup `index-BXk3Qp9a.js`: 8 base64url characters mixing digits, upper and lower case
    // (a word plus a number such as `Medium12` does not count).
    if (separator === '-' && /^[A-Za-z0-9_-]{8}$/.test(token)) {
        return digit && /[A-Z]/.test(token) && /[a-z]/.test(token) && !/^[A-Z]?[a-z]+\d+$/.test(token);
    }
    return false;
}
/**
 * A fingerprinted name carries a content hash, so its content never changes under that name:
 * `main.3f2a9c1b.js`, `chunk-AB12CD34.js`, `index-BXk3Qp9a.js`, their `.map`, `.gz` and `.br`
 * companions, and everything under Next.js's `_next/static/`.
 */
function isFingerprinted(path) {
    if (/(^|\/)_next\/static\//.test(path))
        return true;
    let stem = external_node_path_.posix.basename(path);
    stem = stem.replace(/\.(map|gz|br)$/i, '');
    stem = stem.replace(/\.[^.]+$/, ''); // the extension
    stem = stem.replace(/\.(min|chunk|bundle)$/i, '');
    const vite = /-([A-Za-z0-9_-]{8})$/.exec(stem);
    if (vite && isHashToken(vite[1], '-'))
        return true;
    const m = /[.\-_]([0-9A-Za-z]{8,64})$/.exec(stem);
    return m !== null && isHashToken(m[1], m[0][0]);
}
/** Which rule gave a file its Cache-Control: the first matching user rule, else a default. */
function cacheControlFor(path, rules) {
    for (const rule of rules)
        if (matchesGlob(path, rule.glob))
            return { value: rule.value, source: rule.glob };
    if (isEntryPoint(path))
        return { value: NO_CACHE, source: `default (${fileKind(path)})` };
    if (isFingerprinted(path))
        return { value: IMMUTABLE, source: 'default (fingerprinted)' };
    return { value: DEFAULT_CACHE, source: 'default' };
}
/**
 * Types pinned here rather than left to mime-db, because browsers refuse or mis-handle these
 * files when they are served wrong (WebAssembly streaming compilation needs application/wasm,
 * module scripts need a JavaScript type).
 */
const PINNED_TYPES = {
    wasm: 'application/wasm',
    mjs: 'text/javascript; charset=utf-8',
    js: 'text/javascript; charset=utf-8',
    webmanifest: 'application/manifest+json; charset=utf-8',
    map: 'application/json; charset=utf-8',
};
const FALLBACK_TYPE = 'application/octet-stream';
function overrideMatches(path, pattern) {
    if (/^\.[^/*?[\]{}]+$/.test(pattern))
        return path.toLowerCase().endsWith(pattern.toLowerCase());
    return matchesGlob(path, pattern);
}
/** Content-Type: an override from `content-types`, else the pinned types, else mime-types. */
function contentTypeFor(path, overrides = []) {
    for (const o of overrides)
        if (overrideMatches(path, o.pattern))
            return o.type;
    const base = external_node_path_.posix.basename(path).toLowerCase();
    const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : '';
    const pinned = PINNED_TYPES[ext];
    if (pinned)
        return pinned;
    return (ext && mime_types.contentType(ext)) || FALLBACK_TYPE;
}

// EXTERNAL MODULE: ./actions/frontend-sync/src/config.ts
var config = __webpack_require__(4168);
;// CONCATENATED MODULE: ./actions/frontend-sync/src/plan.ts
// The sync plan: local files (walked and hashed) against the bucket listing → what to upload,
// what to skip, what to delete, in the order that keeps the live site consistent.
// Pure: no SDK, no @actions/*, no file system. The comparison itself is in diff.ts.




function isExcluded(path, exclude) {
    return exclude.some((glob) => matchesGlob(path, glob));
}
/** The uploads of a diff with their headers and phase: assets (1) first, then entry points (2). */
function completePlan(diff, options) {
    const { changed, ...rest } = diff;
    const uploads = changed.map(({ file: f, key, reason }) => {
        const cache = cacheControlFor(f.path, options.cacheRules);
        return {
            path: f.path,
            key,
            file: f.file,
            size: f.size,
            sha256: f.sha256,
            md5: f.md5,
            reason,
            contentType: contentTypeFor(f.path, options.typeOverrides),
            cacheControl: cache.value,
            cacheRule: cache.source,
            phase: isEntryPoint(f.path) ? 2 : 1,
        };
    });
    uploads.sort((a, b) => a.phase - b.phase || (0,src_diff/* byKey */.dX)(a, b));
    return { uploads, ...rest };
}
/**
 * Builds the plan. `heads` holds the HeadObject answers for keys a first call listed in `toHead`;
 * call again with them to settle those files (a plan with a non-empty `toHead` is not final).
 */
function buildPlan(local, remote, options, heads = new Map()) {
    const diff = (0,src_diff/* diffSource */.lF)(local, remote, { prefix: options.prefix, delete: options.delete, isExcluded: (path) => isExcluded(path, options.exclude) }, heads);
    return completePlan(diff, options);
}


/***/ })

};

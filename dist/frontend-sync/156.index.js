export const id = 156;
export const ids = [156];
export const modules = {

/***/ 3964:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  yn: () => (/* binding */ SHA256_METADATA),
  Gg: () => (/* binding */ buildPlan),
  $$: () => (/* binding */ bytesOf),
  RF: () => (/* binding */ isExcluded),
  nQ: () => (/* binding */ largest)
});

// UNUSED EXPORTS: compare, isMultipartEtag, normalizeEtag, normalizePrefix

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

;// CONCATENATED MODULE: ./actions/frontend-sync/src/plan.ts
// The sync plan: local files (walked and hashed) against the bucket listing → what to upload,
// what to skip, what to delete, in the order that keeps the live site consistent.
// Pure: no SDK, no @actions/*, no file system.


/** The S3 metadata key holding the SHA-256 of the content (sent as `x-amz-meta-sha256`). */
const SHA256_METADATA = 'sha256';
function normalizeEtag(etag) {
    return etag.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
}
/** A multipart upload's ETag is `<md5 of part md5s>-<parts>`, never the content MD5. */
function isMultipartEtag(etag) {
    return /-\d+$/.test(normalizeEtag(etag));
}
/**
 * Compares a local file with its listed object as cheaply as possible:
 * - a different size is a change (no request);
 * - a single-part ETag equal to the content MD5 is the same content (no request);
 * - otherwise (a multipart ETag, or a single-part one that differs, which is either a real change
 *   or an SSE-KMS object whose ETag is not an MD5) the answer needs HeadObject for the SHA-256
 *   this action stores in metadata: 'head'.
 * With the head: the stored SHA-256 decides when present; without one, the object is replaced
 * (which also stores the SHA-256, so the next run settles it without doubt).
 */
function compare(local, remote, head) {
    if (local.size !== remote.size)
        return 'changed';
    const etag = normalizeEtag(remote.etag);
    if (!isMultipartEtag(etag) && etag === local.md5.toLowerCase())
        return 'same';
    if (!head)
        return 'head';
    if (head.sha256)
        return head.sha256.toLowerCase() === local.sha256.toLowerCase() ? 'same' : 'changed';
    return 'changed';
}
function isExcluded(path, exclude) {
    return exclude.some((glob) => matchesGlob(path, glob));
}
function byKey(a, b) {
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
/**
 * Builds the plan. `heads` holds the HeadObject answers for keys a first call listed in `toHead`;
 * call again with them to settle those files (a plan with a non-empty `toHead` is not final).
 */
function buildPlan(local, remote, options, heads = new Map()) {
    const remoteByKey = new Map();
    for (const o of remote)
        remoteByKey.set(o.key, o);
    const uploads = [];
    const unchanged = [];
    const toHead = [];
    const localKeys = new Set();
    for (const f of local) {
        if (isExcluded(f.path, options.exclude))
            continue;
        const key = options.prefix + f.path;
        localKeys.add(key);
        const existing = remoteByKey.get(key);
        const verdict = existing ? compare(f, existing, heads.get(key)) : 'changed';
        if (verdict === 'same') {
            unchanged.push(key);
            continue;
        }
        if (verdict === 'head') {
            toHead.push(key);
            continue;
        }
        const cache = cacheControlFor(f.path, options.cacheRules);
        uploads.push({
            path: f.path,
            key,
            file: f.file,
            size: f.size,
            sha256: f.sha256,
            md5: f.md5,
            reason: existing ? 'changed' : 'new',
            contentType: contentTypeFor(f.path, options.typeOverrides),
            cacheControl: cache.value,
            cacheRule: cache.source,
            phase: isEntryPoint(f.path) ? 2 : 1,
        });
    }
    const deletes = [];
    let excludedRemote = 0;
    for (const o of remote) {
        if (localKeys.has(o.key) || !o.key.startsWith(options.prefix))
            continue;
        const path = o.key.slice(options.prefix.length);
        // Folder markers (`dir/`) are not files of the site; excluded paths are left alone.
        if (path === '' || path.endsWith('/'))
            continue;
        if (isExcluded(path, options.exclude)) {
            excludedRemote++;
            continue;
        }
        if (options.delete)
            deletes.push({ key: o.key, size: o.size });
    }
    uploads.sort((a, b) => a.phase - b.phase || byKey(a, b));
    deletes.sort(byKey);
    unchanged.sort();
    toHead.sort();
    return { uploads, unchanged, deletes, toHead, excludedRemote };
}
function bytesOf(uploads) {
    return uploads.reduce((sum, u) => sum + u.size, 0);
}
/** The `n` largest uploads, largest first (for the summary). */
function largest(uploads, n = 10) {
    return [...uploads].sort((a, b) => b.size - a.size || byKey(a, b)).slice(0, n);
}


/***/ }),

/***/ 1156:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   outputsOf: () => (/* binding */ outputsOf),
/* harmony export */   renderSummary: () => (/* binding */ renderSummary)
/* harmony export */ });
/* harmony import */ var _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2899);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3964);
// The job summary and the outputs, from a (possibly partial) result. Pure.


function outputsOf(result) {
    return {
        uploaded: result.uploaded,
        deleted: result.deleted,
        unchanged: result.unchanged,
        'bytes-uploaded': result.bytesUploaded,
        'invalidation-id': result.invalidationId ?? '',
        'paths-invalidated': result.paths.length,
    };
}
function renderSummary(inputs, result) {
    const title = `### frontend-sync${result.dryRun ? ' (dry run: nothing written)' : ''}: s3://${inputs.bucket}/${inputs.prefix}`;
    const verb = result.dryRun ? 'to ' : '';
    const plan = result.plan;
    const rows = [
        [`${verb}upload`, result.uploaded, (0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .formatBytes */ .z3)(result.bytesUploaded)],
        ['unchanged', result.unchanged, ''],
        [`${verb}delete`, result.deleted, plan ? (0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .formatBytes */ .z3)(plan.deletes.reduce((s, d) => s + d.size, 0)) : ''],
    ];
    const parts = [title, '', (0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .markdownTable */ .Qj)(['files', 'count', 'bytes'], rows)];
    if (plan && plan.uploads.length > 0) {
        const top = (0,_plan_js__WEBPACK_IMPORTED_MODULE_1__/* .largest */ .nQ)(plan.uploads, 10);
        parts.push('', `**Largest changes** (of ${plan.uploads.length})`, '', (0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .markdownTable */ .Qj)(['key', 'size', 'why', 'content type', 'cache-control'], top.map((u) => [u.key, (0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_0__/* .formatBytes */ .z3)(u.size), u.reason, u.contentType, u.cacheControl])));
    }
    if (plan && plan.deletes.length > 0) {
        const shown = plan.deletes.slice(0, 10).map((d) => `\`${d.key}\``);
        parts.push('', `**Deleted**: ${shown.join(', ')}${plan.deletes.length > 10 ? ` and ${plan.deletes.length - 10} more` : ''}`);
    }
    if (result.paths.length > 0) {
        const shown = result.paths.slice(0, 20).map((p) => `\`${p}\``);
        parts.push('', `**Invalidation** ${result.invalidationId ? `\`${result.invalidationId}\` ` : ''}on ${inputs.distributionId} ` +
            `(${result.invalidationStatus ?? 'not sent'}): ${result.paths.length} paths: ${shown.join(', ')}${result.paths.length > 20 ? ' …' : ''}`);
    }
    else {
        parts.push('', `**Invalidation**: none (${result.invalidationNote ?? 'not reached'})`);
    }
    return `${parts.join('\n')}\n`;
}


/***/ })

};

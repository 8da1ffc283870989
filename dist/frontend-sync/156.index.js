export const id = 156;
export const ids = [156];
export const modules = {

/***/ 6609:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $$: () => (/* binding */ bytesOf),
/* harmony export */   Pt: () => (/* binding */ normalizeEtag),
/* harmony export */   UD: () => (/* binding */ compare),
/* harmony export */   dX: () => (/* binding */ byKey),
/* harmony export */   iP: () => (/* binding */ isMultipartEtag),
/* harmony export */   lF: () => (/* binding */ diffSource),
/* harmony export */   nQ: () => (/* binding */ largest)
/* harmony export */ });
// The comparison at the heart of the plan: local files against the listing → which are unchanged,
// which changed (or are new), which remote objects are stale, which need a HeadObject. Pure, and
// free of the header rules (mime-db, minimatch), so a sync with nothing to upload never loads them.
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
function byKey(a, b) {
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
/**
 * Compares. `heads` holds the HeadObject answers for keys a first call listed in `toHead`;
 * call again with them to settle those files (a diff with a non-empty `toHead` is not final).
 */
function diffSource(local, remote, options, heads = new Map()) {
    const remoteByKey = new Map();
    for (const o of remote)
        remoteByKey.set(o.key, o);
    const changed = [];
    const unchanged = [];
    const toHead = [];
    const localKeys = new Set();
    for (const f of local) {
        if (options.isExcluded(f.path))
            continue;
        const key = options.prefix + f.path;
        localKeys.add(key);
        const existing = remoteByKey.get(key);
        const verdict = existing ? compare(f, existing, heads.get(key)) : 'changed';
        if (verdict === 'same')
            unchanged.push(key);
        else if (verdict === 'head')
            toHead.push(key);
        else
            changed.push({ file: f, key, reason: existing ? 'changed' : 'new' });
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
        if (options.isExcluded(path)) {
            excludedRemote++;
            continue;
        }
        if (options.delete)
            deletes.push({ key: o.key, size: o.size });
    }
    changed.sort(byKey);
    deletes.sort(byKey);
    unchanged.sort();
    toHead.sort();
    return { changed, unchanged, deletes, toHead, excludedRemote };
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
/* harmony import */ var _diff_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6609);
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
        const top = (0,_diff_js__WEBPACK_IMPORTED_MODULE_1__/* .largest */ .nQ)(plan.uploads, 10);
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

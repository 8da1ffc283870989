export const id = 556;
export const ids = [556];
export const modules = {

/***/ 2556:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   httpRegistry: () => (/* binding */ httpRegistry)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4040);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7300);
// Reads manifests straight from the registry (Docker Registry HTTP API v2), so the digest is the
// registry's own Docker-Content-Digest, never text scraped from docker's log.



function httpRegistry(fetchImpl = fetch) {
    return {
        async manifest(host, repository, reference, credentials) {
            const url = `${(0,_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .registryBaseUrl */ .mO)(host)}/v2/${repository}/manifests/${reference}`;
            const headers = { Accept: _plan_js__WEBPACK_IMPORTED_MODULE_2__/* .MANIFEST_MEDIA_TYPES */ .$T.join(', ') };
            if (credentials) {
                headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
            }
            const res = await fetchImpl(url, { headers, signal: AbortSignal.timeout(30_000) });
            const body = Buffer.from(await res.arrayBuffer());
            if (res.status === 404)
                return undefined;
            if (!res.ok)
                throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .DeployError */ .sH(`registry answered ${res.status} for GET ${url}`);
            const computed = `sha256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(body).digest('hex')}`;
            const reported = res.headers.get('docker-content-digest') ?? computed;
            if (reported !== computed) {
                throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .DeployError */ .sH(`registry reported digest ${reported} for ${url} but the manifest bytes hash to ${computed}`);
            }
            const mediaType = res.headers.get('content-type')?.split(';')[0]?.trim() || undefined;
            return { digest: reported, mediaType, body: body.toString('utf8') };
        },
    };
}


/***/ })

};

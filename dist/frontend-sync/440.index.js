export const id = 440;
export const ids = [440];
export const modules = {

/***/ 5440:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   MULTIPART_THRESHOLD: () => (/* binding */ MULTIPART_THRESHOLD),
/* harmony export */   createS3Client: () => (/* binding */ createS3Client),
/* harmony export */   createS3Port: () => (/* binding */ createS3Port)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3711);
/* harmony import */ var _deploy_actions_aws__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3765);
/* harmony import */ var _config_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4168);
// S3 through the SDK: paginated listing, HeadObject, PutObject (lib-storage multipart for large
// files, loaded only then), DeleteObjects in batches of 1,000. No ACLs: access belongs to the bucket policy / OAC.




// From config.ts, not plan.ts: the S3 chunk then does not pull in the rules (mime-db, minimatch).

/** Files above this go up in parts (as the aws CLI does past 8 MiB), 8 MiB each, 4 at a time. */
const MULTIPART_THRESHOLD = 8 * 1024 * 1024;
const PART_SIZE = 8 * 1024 * 1024;
function createS3Client(region, env = process.env) {
    return new _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_3__.S3Client({
        ...(0,_deploy_actions_aws__WEBPACK_IMPORTED_MODULE_2__/* .clientConfig */ .yO)(region),
        forcePathStyle: (0,_deploy_actions_aws__WEBPACK_IMPORTED_MODULE_2__/* .s3ForcePathStyle */ .mj)(env),
        // PutObject carries Content-MD5, which S3 verifies; no extra checksum pass over every body.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
    });
}
function createS3Port(client, { pageSize = 1000 } = {}) {
    return {
        async list(bucket, prefix) {
            const out = [];
            const pages = (0,_aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_3__.paginateListObjectsV2)({ client, pageSize }, { Bucket: bucket, Prefix: prefix || undefined });
            for await (const page of pages) {
                for (const o of page.Contents ?? []) {
                    if (o.Key !== undefined)
                        out.push({ key: o.Key, size: o.Size ?? 0, etag: o.ETag ?? '' });
                }
            }
            return out;
        },
        async head(bucket, key) {
            const r = await client.send(new _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_3__.HeadObjectCommand({ Bucket: bucket, Key: key }));
            const head = {};
            const sha256 = r.Metadata?.[_config_js__WEBPACK_IMPORTED_MODULE_4__/* .SHA256_METADATA */ .yn];
            if (sha256)
                head.sha256 = sha256;
            if (r.ServerSideEncryption)
                head.serverSideEncryption = r.ServerSideEncryption;
            return head;
        },
        async upload(bucket, u) {
            const common = {
                Bucket: bucket,
                Key: u.key,
                ContentType: u.contentType,
                CacheControl: u.cacheControl,
                Metadata: { [_config_js__WEBPACK_IMPORTED_MODULE_4__/* .SHA256_METADATA */ .yn]: u.sha256 },
            };
            if (u.size <= MULTIPART_THRESHOLD) {
                const body = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(u.file);
                await client.send(new _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_3__.PutObjectCommand({ ...common, Body: body, ContentMD5: Buffer.from(u.md5, 'hex').toString('base64') }));
                return;
            }
            // lib-storage is loaded only for a file that needs it (most syncs never do).
            const { Upload: MultipartUpload } = await __webpack_require__.e(/* import() */ 358).then(__webpack_require__.t.bind(__webpack_require__, 2358, 19));
            await new MultipartUpload({
                client,
                params: { ...common, Body: (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.createReadStream)(u.file) },
                partSize: PART_SIZE,
                queueSize: 4,
                leavePartsOnError: false,
            }).done();
        },
        async deleteKeys(bucket, keys) {
            const failed = [];
            for (let i = 0; i < keys.length; i += 1000) {
                const batch = keys.slice(i, i + 1000);
                const r = await client.send(new _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_3__.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
                for (const e of r.Errors ?? [])
                    failed.push({ key: e.Key ?? '?', error: `${e.Code ?? 'Error'}: ${e.Message ?? ''}` });
            }
            return failed;
        },
    };
}


/***/ })

};

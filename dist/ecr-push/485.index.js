export const id = 485;
export const ids = [485];
export const modules = {

/***/ 4485:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createEcrPort: () => (/* binding */ createEcrPort)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8249);
/* harmony import */ var _deploy_actions_aws__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3765);
/* harmony import */ var _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4040);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7300);
// The ECR port over the AWS SDK v3 (loaded only after the inputs are valid).




function toRepository(r, name) {
    if (!r?.repositoryUri)
        throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .DeployError */ .sH(`ECR returned no URI for repository ${name}`);
    return {
        name: r.repositoryName ?? name,
        uri: r.repositoryUri,
        immutable: (r.imageTagMutability ?? 'MUTABLE').startsWith('IMMUTABLE'),
        scanOnPush: r.imageScanningConfiguration?.scanOnPush ?? false,
    };
}
function createEcrPort(region, client = new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__/* .ECRClient */ .S70((0,_deploy_actions_aws__WEBPACK_IMPORTED_MODULE_0__/* .clientConfig */ .yO)(region))) {
    const getImage = async (repositoryName, imageId) => {
        const out = await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__/* .BatchGetImageCommand */ .P8n({ repositoryName, imageIds: [imageId], acceptedMediaTypes: [..._plan_js__WEBPACK_IMPORTED_MODULE_2__/* .MANIFEST_MEDIA_TYPES */ .$T] }));
        const image = out.images?.[0];
        if (!image?.imageManifest || !image.imageId?.imageDigest) {
            const failure = out.failures?.[0];
            if (!failure || failure.failureCode === 'ImageNotFound' || failure.failureCode === 'ImageTagDoesNotMatchDigest')
                return undefined;
            throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .DeployError */ .sH(`BatchGetImage ${repositoryName}: ${failure.failureCode}: ${failure.failureReason}`);
        }
        return { manifest: image.imageManifest, mediaType: image.imageManifestMediaType, digest: image.imageId.imageDigest };
    };
    return {
        async describeRepository(name) {
            try {
                const out = await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__/* .DescribeRepositoriesCommand */ .pE_({ repositoryNames: [name] }));
                return toRepository(out.repositories?.[0], name);
            }
            catch (error) {
                if ((0,_deploy_actions_aws__WEBPACK_IMPORTED_MODULE_0__/* .awsErrorName */ .ZH)(error) === 'RepositoryNotFoundException')
                    return undefined;
                throw error;
            }
        },
        async createRepository(name) {
            try {
                const out = await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__/* .CreateRepositoryCommand */ .WTe({ repositoryName: name, imageScanningConfiguration: { scanOnPush: true } }));
                return toRepository(out.repository, name);
            }
            catch (error) {
                // Another job created it between our look and our create: use it.
                if ((0,_deploy_actions_aws__WEBPACK_IMPORTED_MODULE_0__/* .awsErrorName */ .ZH)(error) !== 'RepositoryAlreadyExistsException')
                    throw error;
                const out = await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__/* .DescribeRepositoriesCommand */ .pE_({ repositoryNames: [name] }));
                return toRepository(out.repositories?.[0], name);
            }
        },
        async authorizationToken() {
            const out = await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__/* .GetAuthorizationTokenCommand */ .Eu6({}));
            const data = out.authorizationData?.[0];
            if (!data?.authorizationToken || !data.proxyEndpoint)
                throw new _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .DeployError */ .sH('ECR GetAuthorizationToken returned no token');
            return { token: data.authorizationToken, proxyEndpoint: data.proxyEndpoint };
        },
        getImage: (repository, tag) => getImage(repository, { imageTag: tag }),
        async listTags(repositoryName) {
            const tags = [];
            let nextToken;
            do {
                const out = await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__/* .ListImagesCommand */ .W_n({ repositoryName, nextToken, filter: { tagStatus: 'TAGGED' } }));
                for (const id of out.imageIds ?? [])
                    if (id.imageTag)
                        tags.push(id.imageTag);
                nextToken = out.nextToken;
            } while (nextToken && tags.length < 5000);
            return tags;
        },
        async putImage(repositoryName, imageTag, image) {
            try {
                await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__/* .PutImageCommand */ .SUU({
                    repositoryName,
                    imageTag,
                    imageManifest: image.manifest,
                    imageManifestMediaType: image.mediaType,
                    imageDigest: image.digest,
                }));
                return 'created';
            }
            catch (error) {
                if ((0,_deploy_actions_aws__WEBPACK_IMPORTED_MODULE_0__/* .awsErrorName */ .ZH)(error) === 'ImageAlreadyExistsException') {
                    const current = await getImage(repositoryName, { imageTag });
                    if (current?.digest === image.digest)
                        return 'exists';
                }
                throw error;
            }
        },
        async imageSize(repositoryName, digest) {
            const out = await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__/* .DescribeImagesCommand */ .ji5({ repositoryName, imageIds: [{ imageDigest: digest }] }));
            return out.imageDetails?.[0]?.imageSizeInBytes;
        },
        async startScan(repositoryName, digest) {
            try {
                await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__/* .StartImageScanCommand */ .Qc9({ repositoryName, imageId: { imageDigest: digest } }));
            }
            catch (error) {
                // Scan on push already started one, or today's scan exists: the findings will tell.
                if ((0,_deploy_actions_aws__WEBPACK_IMPORTED_MODULE_0__/* .awsErrorName */ .ZH)(error) !== 'LimitExceededException')
                    throw error;
            }
        },
        async scanFindings(repositoryName, digest) {
            try {
                const out = await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__/* .DescribeImageScanFindingsCommand */ .TQ0({ repositoryName, imageId: { imageDigest: digest } }));
                const counts = {};
                for (const [k, v] of Object.entries(out.imageScanFindings?.findingSeverityCounts ?? {}))
                    if (v !== undefined)
                        counts[k] = v;
                return {
                    status: out.imageScanStatus?.status ?? 'UNKNOWN',
                    ...(out.imageScanStatus?.description ? { description: out.imageScanStatus.description } : {}),
                    counts,
                };
            }
            catch (error) {
                if ((0,_deploy_actions_aws__WEBPACK_IMPORTED_MODULE_0__/* .awsErrorName */ .ZH)(error) === 'ScanNotFoundException')
                    return undefined;
                throw error;
            }
        },
    };
}


/***/ })

};

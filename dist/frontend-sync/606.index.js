export const id = 606;
export const ids = [606];
export const modules = {

/***/ 9606:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createCloudFrontClient: () => (/* binding */ createCloudFrontClient),
/* harmony export */   createCloudFrontPort: () => (/* binding */ createCloudFrontPort)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_cloudfront__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3169);
/* harmony import */ var _deploy_actions_aws__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3765);
/* harmony import */ var _deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2899);
// CloudFront through the SDK: CreateInvalidation and the SDK's own completion waiter.



function createCloudFrontClient(region) {
    return new _aws_sdk_client_cloudfront__WEBPACK_IMPORTED_MODULE_2__/* .CloudFrontClient */ .GHk((0,_deploy_actions_aws__WEBPACK_IMPORTED_MODULE_0__/* .clientConfig */ .yO)(region));
}
function createCloudFrontPort(client) {
    return {
        async createInvalidation(distributionId, paths, callerReference) {
            const r = await client.send(new _aws_sdk_client_cloudfront__WEBPACK_IMPORTED_MODULE_2__/* .CreateInvalidationCommand */ .Yo6({
                DistributionId: distributionId,
                InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: [...paths] } },
            }));
            const id = r.Invalidation?.Id;
            if (!id)
                throw new Error(`CloudFront returned no invalidation ID for distribution ${distributionId}`);
            return id;
        },
        async waitCompleted(distributionId, id, timeoutMs, log) {
            const progress = (0,_deploy_actions_kit__WEBPACK_IMPORTED_MODULE_1__/* .progressReporter */ .xZ)(`invalidation ${id} on ${distributionId} to complete`, log);
            const ticker = setInterval(() => progress.tick('InProgress'), 5000);
            try {
                await (0,_aws_sdk_client_cloudfront__WEBPACK_IMPORTED_MODULE_2__/* .waitUntilInvalidationCompleted */ .pgE)({ client, maxWaitTime: Math.ceil(timeoutMs / 1000), minDelay: 5, maxDelay: 30 }, { DistributionId: distributionId, Id: id });
            }
            finally {
                clearInterval(ticker);
            }
        },
    };
}


/***/ })

};

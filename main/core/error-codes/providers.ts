// Error codes of the providers area: code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const PROVIDER_ERRORS = {
  SY_ERR_PROVIDER_READ: "cannot read the rule provider",
  SY_ERR_PROVIDER_BAD_ENTRY: "malformed rule provider entry (skipped)",
  SY_ERR_PROVIDER_EMPTY: "the rule provider has no usable entries",
  SY_ERR_PROVIDER_FORMAT: "unsupported rule provider format",
  SY_ERR_PROVIDER_BEHAVIOR: "unsupported rule provider behavior",
  SY_ERR_PROVIDER_NO_FETCHER: "the rule provider cannot be updated without a fetcher",
  SY_ERR_PROVIDER_TOO_LARGE: "the rule provider exceeds its size limit",
  SY_ERR_PROVIDER_FETCH: "cannot download the rule provider",
  SY_ERR_PROVIDER_TIMEOUT: "the rule provider download timed out",
  SY_ERR_PROVIDER_HTTP_STATUS: "the rule provider download answered with an error status",
  SY_ERR_PROVIDER_MRS: "malformed .mrs rule set",
  SY_ERR_PROVIDER_CONVERT: "cannot convert the rule set",
} as const;

// Error codes of proxy providers (main/proxy-providers/): code -> one-line description.
// Add new ones here and run `npm run docs:errors`.
export const PROXY_PROVIDER_ERRORS = {
  SY_ERR_PROXY_PROVIDER_READ: "cannot read the proxy provider's local copy",
  SY_ERR_PROXY_PROVIDER_PARSE: "the proxy provider's content is not a Clash YAML proxies: list",
  SY_ERR_PROXY_PROVIDER_FETCH: "downloading the proxy provider failed",
  SY_ERR_PROXY_PROVIDER_HTTP_STATUS: "the proxy provider's server answered with an error status",
  SY_ERR_PROXY_PROVIDER_TOO_LARGE: "the proxy provider's content exceeds its size limit",
  SY_ERR_PROXY_PROVIDER_TIMEOUT: "the proxy provider's download timed out",
  SY_ERR_PROXY_PROVIDER_NOT_FOUND: "no proxy provider of that name",
  SY_ERR_PROXY_PROVIDER_NOT_UPDATABLE: "only http proxy providers can be updated",
} as const;

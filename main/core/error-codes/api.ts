// Error codes of the api area: code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const API_ERRORS = {
  SY_ERR_API_BAD_REQUEST: "request body invalid",
  SY_ERR_API_BAD_QUERY: "query parameter invalid",
  SY_ERR_API_UNAUTHORIZED: "missing or wrong controller secret",
  SY_ERR_API_FORBIDDEN_HOST: "Host header not allowed while the controller is bound to loopback (DNS-rebinding defence)",
  SY_ERR_API_NOT_FOUND: "resource not found",
  SY_ERR_API_NOT_SELECTOR: "proxy is not a selector group, its choice cannot be set",
  SY_ERR_API_DELAY_TIMEOUT: "delay test timed out",
  SY_ERR_API_DELAY_FAILED: "delay test failed",
  SY_ERR_API_PROVIDER_UPDATE: "provider update failed",
  SY_ERR_API_RELOAD_FAILED: "configuration reload failed; the running configuration is unchanged",
  SY_ERR_API_TOO_LARGE: "request body too large",
  SY_ERR_API_INSECURE_LISTEN: "refusing to serve the controller on a non-loopback address without a secret",
  SY_ERR_API_BAD_LISTEN: "external-controller address invalid",
  SY_ERR_API_UNAVAILABLE: "feature not available in this engine",
  SY_ERR_API_BAD_ROUTE: "controller route pattern invalid or registered twice (a programming error)",
} as const;

// Error codes of the dns area: code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
// BAD_PATTERN, UNSUPPORTED_NAMESERVER, IGNORED_PARAM, POLICY_INACTIVE and
// POOL_FILE are reported as warnings:
// the DNS service still runs without the offending entry / with an empty pool.
export const DNS_ERRORS = {
  SY_ERR_DNS_RESOLVE: "DNS resolution failed",
  SY_ERR_DNS_BAD_RANGE: "invalid fake-ip range",
  SY_ERR_DNS_NO_FAKE_IP6: "no IPv6 fake-ip range is configured",
  SY_ERR_DNS_BAD_PATTERN: "invalid domain wildcard pattern (entry skipped)",
  SY_ERR_DNS_BAD_NAMESERVER: "invalid nameserver address",
  SY_ERR_DNS_UNSUPPORTED_NAMESERVER: "nameserver scheme not supported yet (entry skipped)",
  SY_ERR_DNS_IGNORED_PARAM: "nameserver parameter or DNS option not supported (ignored)",
  SY_ERR_DNS_BOOTSTRAP: "cannot find the address of a nameserver given by host name (default-nameserver)",
  SY_ERR_DNS_TLS_CERT: "the DNS-over-TLS/HTTPS server's certificate was rejected",
  SY_ERR_DNS_POLICY_INACTIVE: "a nameserver-policy or fallback-filter entry cannot be evaluated (inactive)",
  SY_ERR_DNS_NO_NAMESERVER: "no usable upstream nameserver",
  SY_ERR_DNS_TIMEOUT: "DNS upstream did not answer in time",
  SY_ERR_DNS_UPSTREAM: "DNS upstream answered with a malformed or mismatched packet",
  SY_ERR_DNS_POOL_FILE: "fake-ip pool file is unreadable or corrupt (starting with an empty pool)",
  SY_ERR_DNS_POOL_SAVE: "cannot save the fake-ip pool file",
  SY_ERR_DNS_LISTEN: "cannot listen for DNS queries",
  SY_ERR_DNS_BAD_QUERY: "invalid DNS query name or type",
  SY_ERR_DNS_PROXY: "a nameserver's proxy (#name or respect-rules) cannot carry the query",
} as const;

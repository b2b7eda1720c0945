// Error codes of the rules area: code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const RULE_ERRORS = {
  SY_ERR_RULE_SYNTAX: "malformed rule line",
  SY_ERR_RULE_UNSUPPORTED: "unsupported rule type",
  SY_ERR_RULE_NOT_YET: "rule type not supported yet (it comes with a later release)",
  SY_ERR_RULE_BAD_DOMAIN: "invalid domain in rule payload",
  SY_ERR_RULE_BAD_REGEX: "invalid regular expression in rule payload",
  SY_ERR_RULE_BAD_CIDR: "invalid IP prefix (CIDR) in rule payload",
  SY_ERR_RULE_BAD_PORT: "invalid port or port range list",
  SY_ERR_RULE_BAD_NETWORK: "invalid network in NETWORK rule",
  SY_ERR_RULE_BAD_UID: "invalid uid or uid range list",
  SY_ERR_RULE_BAD_COUNTRY: "invalid country code in GEOIP rule",
  SY_ERR_RULE_BAD_PARAM: "unknown rule parameter",
  SY_ERR_RULE_BAD_LOGIC: "invalid AND/OR/NOT payload",
  SY_ERR_RULE_EMPTY_PAYLOAD: "rule payload is empty",
  SY_ERR_RULE_UNKNOWN_PROVIDER: "RULE-SET names a rule provider that is not defined",
  SY_ERR_RULE_NOT_ALLOWED: "rule type not allowed here",
  SY_ERR_RULE_COMPILE: "the rules could not be compiled",
  SY_ERR_RULE_GEOIP_DB: "cannot open the GeoIP database",
  SY_ERR_RULE_GEOSITE_DATA: "malformed or unreadable GeoSite data (.dat)",
  SY_ERR_RULE_GEOSITE_CATEGORY: "the GeoSite data has no such category",
  SY_ERR_RULE_GEOSITE_MISSING: "GEOSITE rule inactive: no GeoSite data file",
} as const;

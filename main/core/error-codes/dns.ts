// Error codes of the dns area: code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const DNS_ERRORS = {
  SY_ERR_DNS_RESOLVE: "DNS resolution failed",
} as const;

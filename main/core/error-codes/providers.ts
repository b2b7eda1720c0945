// Error codes of the providers area: code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const PROVIDER_ERRORS = {
  SY_ERR_PROVIDER_READ: "cannot read the rule provider",
} as const;

// Error codes of the rules area: code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const RULE_ERRORS = {
  SY_ERR_RULE_SYNTAX: "malformed rule line",
} as const;

// Error codes of the api area: code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const API_ERRORS = {
  SY_ERR_API_BAD_REQUEST: "request body invalid",
} as const;

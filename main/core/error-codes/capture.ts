// Error codes of the capture area: code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const CAPTURE_ERRORS = {
  SY_ERR_CAPTURE_APPLY: "installing capture failed",
} as const;

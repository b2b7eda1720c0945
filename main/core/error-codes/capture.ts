// Error codes of the capture area: code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const CAPTURE_ERRORS = {
  SY_ERR_CAPTURE_APPLY: "installing capture failed",
  SY_ERR_CAPTURE_BAD_INPUT: "invalid capture settings",
  SY_ERR_CAPTURE_REMOVE: "removing capture failed",
  SY_ERR_CAPTURE_DEADMAN: "refreshing the capture dead-man switch failed",
  SY_ERR_CAPTURE_COMMAND: "a capture command could not be run",
} as const;

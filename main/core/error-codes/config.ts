// Error codes of the config area: code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const CONFIG_ERRORS = {
  SY_ERR_CONFIG_READ: "cannot read the config file",
} as const;

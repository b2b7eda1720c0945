// Error codes of the net area: code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const NET_ERRORS = {
  SY_ERR_NET_DIAL: "cannot connect to the destination",
} as const;

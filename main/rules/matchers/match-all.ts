// MATCH: always matches (the final catch-all).
import type { Cond } from '../cond.js';

export const MATCH_ALL: Cond = {
  needsIp: false,
  needsProcess: false,
  size: -1,
  match: () => true,
};

/** GEOSITE (until geosite data lands) and other inactive rules: never match. */
export const NEVER: Cond = {
  needsIp: false,
  needsProcess: false,
  size: 0,
  match: () => false,
};

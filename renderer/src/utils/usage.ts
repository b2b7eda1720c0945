// A profile's `subscription-userinfo` as a usage bar: (upload + download) / total. Pure.
import type { ApiSubscriptionInfo } from '../../../main/controller/api-types.js';

export interface Usage {
  used: number;
  total: number;
  /** 0..1, or null when the provider sends no total */
  fraction: number | null;
  /** unix ms, or null for "never" (expire 0) */
  expires: number | null;
}

export function usageOf(u: ApiSubscriptionInfo | null): Usage | null {
  if (!u) return null;
  const used = Math.max(0, u.upload) + Math.max(0, u.download);
  const fraction = u.total > 0 ? Math.min(1, used / u.total) : null;
  return { used, total: u.total, fraction, expires: u.expire > 0 ? u.expire * 1000 : null };
}

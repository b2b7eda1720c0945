// The profile contracts: what index.json holds and what list() answers.
// A profile is a whole Clash config from a subscription URL, a file, or a
// payload given once (API/UI); it lives in `<home>/profiles/<id>.yaml`, the
// user's override in `<id>.override.yaml`, and what the engine runs in
// `<id>.effective.yaml`.

/** The `subscription-userinfo` header (bytes; expire in unix seconds, 0 = never). */
export interface SubscriptionInfo {
  upload: number;
  download: number;
  total: number;
  expire: number;
}

export type ProfileSource =
  | { type: 'url'; url: string }
  | { type: 'file'; path: string }
  /** Payload given once (POST /profiles {name, payload}); nothing to update from. */
  | { type: 'local' };

/** A recorded failure: the code and the located message of the last failed update. */
export interface ProfileError {
  code: string;
  message: string;
  /** unix ms */
  at: number;
}

/** One profile as stored in index.json. */
export interface ProfileRecord {
  id: string;
  name: string;
  source: ProfileSource;
  /** Auto-update interval in seconds; 0 = manual only. */
  interval: number;
  /** unix ms of the last successful update (content saved or confirmed unchanged). */
  updatedAt: number;
  lastError: ProfileError | null;
  /** Consecutive failed updates (drives the auto-update backoff). */
  failures: number;
  userinfo: SubscriptionInfo | null;
  /** Validators for a conditional GET (If-None-Match / If-Modified-Since). */
  etag?: string;
  lastModified?: string;
}

export interface ProfileIndex {
  version: 1;
  /** The active profile's id, '' when none. */
  active: string;
  profiles: ProfileRecord[];
}

/** What list()/get() answer: the record plus derived fields. */
export interface ProfileView extends ProfileRecord {
  active: boolean;
  /** Absolute path of the effective config the engine runs. */
  file: string;
  /** True when the user has an override for this profile. */
  hasOverride: boolean;
}

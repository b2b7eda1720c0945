// Public surface of main/profiles/.
export { ProfileManager, type ProfileManagerDeps, type AddProfileInput, type ProfilePatch } from './manager.js';
export { configHome, profilePaths, activeProfileFile } from './store.js';
export { download, type DownloadOptions, type DownloadResult } from './download.js';
export { parseOverride, applyOverride } from './override.js';
export { parseSubscriptionInfo, dispositionName } from './userinfo.js';
export type { ProfileView, ProfileRecord, SubscriptionInfo, ProfileSource, ProfileError } from './types.js';
export { profilesView, toApiProfile } from './api-view.js';

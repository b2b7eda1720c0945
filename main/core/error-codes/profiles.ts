// Error codes of the profiles area (subscription profiles) and of the
// system-proxy switch (main/electron/sysproxy): code -> one-line description.
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const PROFILE_ERRORS = {
  SY_ERR_PROFILE_NOT_FOUND: "no such profile",
  SY_ERR_PROFILE_BAD_INPUT: "invalid profile request",
  SY_ERR_PROFILE_BAD_URL: "invalid subscription URL",
  SY_ERR_PROFILE_DIAL: "cannot download the profile",
  SY_ERR_PROFILE_TIMEOUT: "the profile download timed out",
  SY_ERR_PROFILE_HTTP_STATUS: "the subscription server answered with an error status",
  SY_ERR_PROFILE_REDIRECTS: "too many redirects while downloading the profile",
  SY_ERR_PROFILE_TOO_LARGE: "the profile exceeds the size limit (nothing was saved)",
  SY_ERR_PROFILE_EMPTY: "the profile is empty",
  SY_ERR_PROFILE_INVALID: "the profile is not a valid config (the working profile was kept)",
  SY_ERR_PROFILE_OVERRIDE: "invalid profile override",
  SY_ERR_PROFILE_ACTIVE: "the active profile cannot be removed",
  SY_ERR_PROFILE_NO_SOURCE: "the profile has no URL or file to update from",
  SY_ERR_PROFILE_INDEX: "the profile index is unreadable",
  SY_ERR_PROFILE_IO: "cannot read or write a profile file",
  SY_ERR_PROFILE_RELOAD: "the core could not load the profile (the previous config keeps running)",
  SY_ERR_SYSPROXY_NO_DESKTOP: "no supported desktop for the system proxy (GNOME gsettings or KDE kwriteconfig5/6)",
  SY_ERR_SYSPROXY_COMMAND: "a system-proxy settings command failed",
  SY_ERR_SYSPROXY_BACKUP: "the saved system-proxy settings are unreadable",
  SY_ERR_SYSPROXY_BAD_PORT: "invalid system-proxy port",
} as const;

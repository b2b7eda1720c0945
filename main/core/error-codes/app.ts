// Error codes of the app area (the Electron shell and its service-mode installer):
// code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const APP_ERRORS = {
  SY_ERR_APP_PKEXEC_MISSING: "pkexec is not installed, so the service cannot be installed or removed with administrator rights",
  SY_ERR_APP_SYSTEMD_MISSING: "systemd is not running on this machine, so service mode is unavailable",
  SY_ERR_APP_SERVICE_COMMAND: "a service-mode command failed",
  SY_ERR_APP_BAD_OPTION: "invalid option for the desktop shell",
  SY_ERR_APP_CONTROLLER_UNREACHABLE: "cannot reach the controller API",
  SY_ERR_APP_CONTROLLER_AUTH: "the controller rejected the secret",
  SY_ERR_APP_CONTROLLER_ANSWER: "the controller answered with an error",
} as const;

// Error codes of the tunnel and engine: code -> one-line description (the message stem).
export const TUNNEL_ERRORS = {
  SY_ERR_TUNNEL_FAKEIP_UNMAPPED: 'the destination is a fake IP with no host mapped to it',
  SY_ERR_TUNNEL_NO_ROUTE: 'no usable outbound for the connection',
  SY_ERR_TUNNEL_DIAL_TIMEOUT: 'the outbound did not connect in time',
  SY_ERR_TUNNEL_UDP_QUEUE_FULL: 'too many datagrams queued while the UDP flow was being set up',
  SY_ERR_ENGINE_START: 'the core failed to start',
  SY_ERR_ENGINE_RELOAD: 'the new config was not applied; the running one is unchanged',
  SY_ERR_ENGINE_NATIVE_MISSING: 'the native addon is not available',
} as const;

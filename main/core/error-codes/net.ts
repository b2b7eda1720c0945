// Error codes of the net area: code -> one-line description (the message stem).
// Codes are SY_ERR_<AREA>_<WHAT>; add new ones here and run `npm run docs:errors`.
export const NET_ERRORS = {
  SY_ERR_NET_DIAL: "cannot connect to the destination",
  SY_ERR_NET_TIMEOUT: "the connection attempt timed out",
  SY_ERR_NET_ABORTED: "the connection attempt was aborted",
  SY_ERR_NET_RESOLVE: "the destination host has no address",
  SY_ERR_NET_REJECTED: "the connection was rejected by a REJECT rule",
  SY_ERR_NET_UNSUPPORTED: "this upstream type is not supported by switchyard",
  SY_ERR_NET_NO_UDP: "this outbound does not relay UDP",
  SY_ERR_NET_SOCKS_HANDSHAKE: "the SOCKS5 upstream answered with a malformed or unexpected handshake",
  SY_ERR_NET_SOCKS_AUTH: "the SOCKS5 upstream refused the username/password",
  SY_ERR_NET_SOCKS_REFUSED: "the SOCKS5 upstream refused the request",
  SY_ERR_NET_HTTP_PROXY: "the HTTP upstream refused the CONNECT request",
  SY_ERR_NET_NO_MEMBER: "the group has no usable member",
  SY_ERR_NET_NOT_SELECTOR: "only a select group can be switched by hand",
  SY_ERR_NET_BAD_MEMBER: "the group has no member of that name",
  SY_ERR_NET_UNKNOWN_OUTBOUND: "no proxy or group of that name",
  SY_ERR_NET_DELAY: "the delay test failed",
  SY_ERR_NET_LISTEN: "cannot listen on the inbound address",
} as const;

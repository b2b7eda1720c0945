// The sniffers' entry point: picks the parser by transport and first byte.
// Pure, never throws; see types.ts for the meaning of each result.
import type { SniffResult } from './types.js';
import { sniffTls } from './tls.js';
import { sniffHttp } from './http.js';
import { sniffQuic } from './quic.js';

export type { SniffResult } from './types.js';
export { SNIFF_MAX_BYTES } from './types.js';
export { sniffTls, clientHelloSni } from './tls.js';
export { sniffHttp, HTTP_MAX_HEAD } from './http.js';
export { sniffQuic } from './quic.js';

/**
 * Sniffs the first client bytes of a TCP stream (TLS or HTTP/1) or the first
 * datagram(s) of a UDP flow (QUIC Initial). For UDP pass every datagram so far.
 */
export function sniff(buf: Buffer | readonly Buffer[], network: 'tcp' | 'udp'): SniffResult {
  if (network === 'udp') return sniffQuic(buf);
  const b = Buffer.isBuffer(buf) ? buf : Buffer.concat(buf as readonly Buffer[]);
  if (b.length === 0) return 'need-more';
  return b[0] === 0x16 ? sniffTls(b) : sniffHttp(b);
}

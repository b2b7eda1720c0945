// TPROXY inbounds with an injected native module that fails (no
// CAP_NET_ADMIN): start() rejects with SY_ERR_NET_LISTEN carrying the cause.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTproxyTcpInbound } from '../../../main/inbound/tproxy-tcp.js';
import { createTproxyUdpInbound } from '../../../main/inbound/tproxy-udp.js';
import { NULL_LOGGER } from '../../../main/core/logger.js';
import type { NativeInbound } from '../../../main/inbound/native-api.js';

const eperm = () => Object.assign(new Error('setsockopt(IP_TRANSPARENT): Operation not permitted (needs CAP_NET_ADMIN)'), { code: 'EPERM' });
const failing: NativeInbound = {
  createTransparentTcpListener: () => {
    throw eperm();
  },
  closeFd: () => {},
  TransparentUdp: class {
    constructor() {
      throw eperm();
    }
  } as unknown as NativeInbound['TransparentUdp'],
};
const dispatcher = { handleTcp: () => {}, handleUdp: () => {} };

test('TPROXY TCP: a failing native listener is SY_ERR_NET_LISTEN naming the address and the cause', async () => {
  const inb = createTproxyTcpInbound({ host: '::', port: 7893, family: 6, dispatcher, native: failing, logger: NULL_LOGGER });
  await assert.rejects(inb.start(), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'SY_ERR_NET_LISTEN');
    assert.match(e.message, /\[::\]:7893/);
    assert.match(e.message, /CAP_NET_ADMIN/);
    return true;
  });
  await inb.close();
});

test('TPROXY UDP: a failing native socket is SY_ERR_NET_LISTEN', async () => {
  const inb = createTproxyUdpInbound({ host: '0.0.0.0', port: 7893, family: 4, dispatcher, native: failing, logger: NULL_LOGGER });
  await assert.rejects(inb.start(), { code: 'SY_ERR_NET_LISTEN' });
  await inb.close();
});

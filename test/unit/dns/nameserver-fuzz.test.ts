// Randomised nameserver strings (seeded): parseNameserver either returns a
// server, returns null (unsupported scheme) or throws SY_ERR_DNS_BAD_NAMESERVER;
// nothing else. Mutations of real forms: schemes, ports, brackets, paths, `#` params.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNameserver } from '../../../main/dns/nameserver.js';
import { compileOrderedPolicy } from '../../../main/dns/policy.js';
import { SyError } from '../../../main/core/errors.js';
import { prng } from '../../helpers/prng.js';

const SEEDS = [
  '192.0.2.1', '192.0.2.1:53', '[2001:db8::1]:53', '2001:db8::1', 'udp://192.0.2.1', 'tcp://dns.example:5353',
  'tls://dns.example', 'tls://192.0.2.1:853#skip-cert-verify=true', 'https://dns.example/dns-query',
  'https://[2001:db8::1]:8443/q?x=1#PROXY&h3=true', 'rcode://success', 'quic://dns.example', 'system', 'dhcp://en0',
];
const ALPHABET = 'abc.:/[]#&=%?-_0123456789 ';

test('parseNameserver on 5,000 mutated strings: a server, null, or SY_ERR_DNS_BAD_NAMESERVER', () => {
  const rnd = prng(0x5d75);
  for (let i = 0; i < 5000; i++) {
    let s = SEEDS[Math.floor(rnd() * SEEDS.length)]!;
    const edits = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < edits; k++) {
      const at = Math.floor(rnd() * (s.length + 1));
      const op = rnd();
      const ch = ALPHABET[Math.floor(rnd() * ALPHABET.length)]!;
      s = op < 0.4 ? s.slice(0, at) + ch + s.slice(at) : op < 0.7 ? s.slice(0, at) + s.slice(at + 1) : s.slice(0, at) + ch + s.slice(at + 1);
    }
    try {
      const ns = parseNameserver(s);
      if (ns) {
        assert.ok(ns.port >= 0 && ns.port <= 65535, s);
        assert.ok(ns.host.length > 0, s);
      }
    } catch (e) {
      assert.ok(e instanceof SyError && e.code === 'SY_ERR_DNS_BAD_NAMESERVER', `${JSON.stringify(s)}: ${String(e)}`);
    }
  }
});

test('compileOrderedPolicy on 500 sets of mutated keys: bad keys are skipped, lookups never throw', () => {
  const rnd = prng(0xbeef);
  const keys = ['+.a.test', '*.b.test', '.c.test', 'geosite:cn,private', 'rule-set:x', 'd.test,e.test', 'xbox.*.f.test'];
  for (let i = 0; i < 500; i++) {
    const entries = keys.map((k) => {
      const at = Math.floor(rnd() * (k.length + 1));
      return [k.slice(0, at) + ALPHABET[Math.floor(rnd() * ALPHABET.length)] + k.slice(at), i] as const;
    });
    const lookup = compileOrderedPolicy(entries, 'fuzz', () => null);
    for (const h of ['a.test', 'x.b.test', 'y.c.test', 'd.test', 'xbox.live.f.test', '', '...', 'é.test']) lookup(h);
  }
});

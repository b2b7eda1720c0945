// A config shaped like Clash Verge Rev's example (anchors and merge keys,
// emoji names, `type: direct` "🟢 直连" as member and download proxy, groups
// built from include-all + filter and `use:` lists naming subscriptions that
// are not defined) loads offline from the subscriptions' last good copies,
// and every group gets the members mihomo would give it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../main/config/load.js';
import { body, build, type Built } from './helpers.js';

const home = mkdtempSync(join(tmpdir(), 'sy-pp-verge-'));
const built: Built[] = [];
after(() => {
  built.forEach((b) => b.close());
  rmSync(home, { recursive: true, force: true });
});

const YAML = `
pr: &pr {type: select, proxies: [🚀 节点选择, ♻️ 自动选择, 🎉 精选订阅, ☢ 负载均衡-散列, 🌐 全部节点, 🇭🇰 香港节点, 🧿 其它地区, 🟢 直连]}
best: &best {type: url-test, interval: 300, tolerance: 50, lazy: true, use: [CFWorker, o00o, ripao]}
proxy-providers:
  CFWorker:
    type: http
    interval: 1800
    health-check: {enable: true, url: https://www.gstatic.com/generate_204, interval: 300}
    proxy: 🟢 直连
    url: "https://aaaaa.me/test"
  FreeSub:
    type: http
    interval: 1800
    health-check: {enable: true, url: https://www.gstatic.com/generate_204, interval: 300}
    proxy: 🟢 直连
    url: "https://bbbbb.com/test"
global-ua: clash.meta
mixed-port: 7890
proxies:
  - name: "🟢 直连"
    type: direct
    udp: true
proxy-groups:
  - {name: 🚀 节点选择, type: select, proxies: [🎉 精选订阅, ☢ 负载均衡-散列, ♻️ 自动选择, 🌐 全部节点, 🇭🇰 香港节点, 🧿 其它地区, 🟢 直连]}
  - {name: ♻️ 自动选择, type: url-test, include-all: true, tolerance: 20, interval: 300, lazy: true, filter: "^((?!(直连)).)*$"}
  - {name: 🎉 精选订阅, <<: *best, filter: "^((?!(直连)).)*$"}
  - {name: ☢ 负载均衡-散列, type: load-balance, strategy: consistent-hashing, interval:180, <<: *best, filter: "^((?!(直连)).)*$"}
  - {name: 🌐 全部节点, type: select, include-all: true}
  - {name: 📹 YouTube, <<: *pr}
  - {name: 🇭🇰 香港节点, type: url-test, include-all: true, tolerance: 20, interval: 300, filter: "港|HK|hk|Hong Kong|HongKong|hongkong"}
  - {name: 🧿 其它地区, type: select, include-all: true, tolerance: 20, interval: 300, filter: "(?i)^(?!.*(?:🇭🇰|🇯🇵|🇺🇸|🇸🇬|港|hk|hongkong|台|tw|taiwan|日|jp|japan|新|sg|singapore|美|us|unitedstates|英国|Great Britain|德国|Germany|KR|Korea|KOR|首尔|韩|韓)).*"}
  - {name: 🐟 漏网之鱼, <<: *pr}
rules:
  - MATCH,🐟 漏网之鱼
`;

const CF = ['🇭🇰 HK CF 01', '🇯🇵 JP CF 01', '🇺🇸 US CF 01', '🇦🇺 Sydney CF 01'];
const FREE = ['香港 Free 02', '🇸🇬 SG Free', '🇩🇪 Germany Free'];

test('Clash Verge Rev shape: loads offline with located warnings only, groups get mihomo\'s members', async () => {
  mkdirSync(join(home, 'proxies'));
  writeFileSync(join(home, 'proxies', 'CFWorker.yaml'), body([{ name: CF[0]! }, { name: CF[1]!, type: 'http' }, { name: CF[2]!, type: 'vless' }, { name: CF[3]! }]));
  writeFileSync(join(home, 'proxies', 'FreeSub.yaml'), body([{ name: FREE[0]! }, { name: FREE[1]! }, { name: FREE[2]!, type: 'trojan' }]));
  const r = parseConfig(YAML, join(home, 'config.yaml'), { home });
  assert.deepEqual(r.errors.map((e) => e.message), []);
  // o00o/ripao are not defined (in every group using *best), `interval:180` lacks its space, and the anchors are unknown top-level keys
  for (const w of r.warnings) assert.match(w.message, new RegExp(`^${home}/config\\.yaml:\\d+:\\d+ `), 'every warning is located');
  assert.ok(r.warnings.some((w) => w.code === 'SY_ERR_CONFIG_UNKNOWN_PROXY_PROVIDER' && /"o00o"/.test(w.message)));
  assert.ok(r.warnings.some((w) => w.code === 'SY_ERR_CONFIG_UNKNOWN_KEY' && /interval:180/.test(w.message)));

  const b = await build(r.config!);
  built.push(b);
  const members = (g: string) => [...b.outbounds.group(g)!.members];
  assert.deepEqual(members('♻️ 自动选择'), [...CF, ...FREE], 'include-all, everything but 直连');
  assert.deepEqual(members('🎉 精选订阅'), CF, 'use: only the defined CFWorker');
  assert.deepEqual(members('☢ 负载均衡-散列'), CF);
  assert.deepEqual(members('🌐 全部节点'), ['🟢 直连', ...CF, ...FREE]);
  assert.deepEqual(members('🇭🇰 香港节点'), ['🇭🇰 HK CF 01', '香港 Free 02']);
  assert.deepEqual(members('🧿 其它地区'), ['🟢 直连', '🇦🇺 Sydney CF 01']);
  assert.deepEqual(members('📹 YouTube'), ['🚀 节点选择', '♻️ 自动选择', '🎉 精选订阅', '☢ 负载均衡-散列', '🌐 全部节点', '🇭🇰 香港节点', '🧿 其它地区', '🟢 直连']);
  // The rule's group resolves through nested groups to a relayable leaf
  const pick = b.outbounds.group('🐟 漏网之鱼')!.pick({ network: 'tcp', type: 'Inner' } as never);
  assert.deepEqual(pick?.chain, ['🇭🇰 HK CF 01', '🎉 精选订阅', '🚀 节点选择', '🐟 漏网之鱼']);
  assert.equal(b.outbounds.get('🟢 直连')!.type, 'Direct');
  assert.equal(b.outbounds.get('🇺🇸 US CF 01')!.alive(), false, 'vless: unavailable');
  assert.ok(b.outbounds.group('GLOBAL')!.members.includes('🇩🇪 Germany Free'), 'GLOBAL lists provider proxies');
});

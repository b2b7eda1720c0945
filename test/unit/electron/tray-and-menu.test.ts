import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ApiCaptureState, ApiConfigs } from '../../../main/controller/api-types.js';
import { trayIconFile, trayStateOf, trayTooltipKey, TRAY_STATES, type CoreSnapshot } from '../../../main/electron/tray-state.js';
import { actionPlan, buildMenu } from '../../../main/electron/menu-model.js';

function configs(capture: Partial<ApiCaptureState> | null, mode: ApiConfigs['mode'] = 'rule'): ApiConfigs {
  const base: ApiConfigs = {
    port: 0, 'socks-port': 0, 'redir-port': 0, 'tproxy-port': 7893, 'mixed-port': 7890, tun: { enable: false },
    'allow-lan': false, 'bind-address': '*', mode, 'mode-list': ['rule', 'global', 'direct'], 'log-level': 'info',
    ipv6: true, 'routing-mark': 255, 'find-process-mode': 'strict', sniffing: true,
  };
  if (capture === null) return base;
  return {
    ...base,
    capture: { enable: false, local: true, lan: false, interfaces: [], ipv6: true, bypass: [], 'on-failure': 'open', installed: false, error: '', ...capture },
  };
}
const snap = (c: ApiConfigs | null, error = ''): CoreSnapshot => ({ configs: c, error });

test('tray state: core unreachable is error', () => {
  assert.equal(trayStateOf(snap(null, 'ECONNREFUSED')), 'error');
});
test('tray state: capture disabled (or not reported) is off', () => {
  assert.equal(trayStateOf(snap(configs({ enable: false }))), 'off');
  assert.equal(trayStateOf(snap(configs(null))), 'off');
});
test('tray state: capture installed for this machine is capturing, with LAN it is gateway', () => {
  assert.equal(trayStateOf(snap(configs({ enable: true, installed: true }))), 'capturing');
  assert.equal(trayStateOf(snap(configs({ enable: true, installed: true, lan: true }))), 'gateway');
});
test('tray state: capture enabled but failed or not installed is error', () => {
  assert.equal(trayStateOf(snap(configs({ enable: true, installed: false }))), 'error');
  assert.equal(trayStateOf(snap(configs({ enable: true, installed: true, error: 'nft: permission denied' }))), 'error');
});
test('every tray state has an icon file per size in assets/ and a tooltip in both catalogs', () => {
  const en = JSON.parse(readFileSync(new URL('../../../renderer/src/i18n/en.json', import.meta.url), 'utf8')) as Record<string, string>;
  const zh = JSON.parse(readFileSync(new URL('../../../renderer/src/i18n/zh-CN.json', import.meta.url), 'utf8')) as Record<string, string>;
  for (const s of TRAY_STATES) {
    for (const size of [16, 22, 32] as const) {
      const f = new URL(`../../../assets/${trayIconFile(s, size)}`, import.meta.url);
      assert.equal(readFileSync(f).subarray(1, 4).toString(), 'PNG', `${trayIconFile(s, size)} is a PNG`);
    }
    assert.ok(en[trayTooltipKey(s)], `en has ${trayTooltipKey(s)}`);
    assert.ok(zh[trayTooltipKey(s)], `zh-CN has ${trayTooltipKey(s)}`);
  }
});

test('menu: mode radio reflects the core mode; capture and gateway reflect capture state', () => {
  const m = buildMenu(snap(configs({ enable: true, installed: true, lan: true }, 'global')), { serviceInstalled: true });
  const byAction = new Map(m.map((i) => [i.action, i]));
  assert.equal(byAction.get('mode:global')?.checked, true);
  assert.equal(byAction.get('mode:rule')?.checked, false);
  assert.equal(byAction.get('capture')?.checked, true);
  assert.equal(byAction.get('gateway')?.checked, true);
  assert.equal(byAction.has('install-service'), false, 'no install entry when the service exists');
  assert.ok(byAction.get('remove-service')?.enabled, 'offers to remove it instead');
  assert.equal(byAction.get('autostart')?.checked, false);
  assert.equal(byAction.get('quit')?.labelKey, 'tray.quit');
  for (const a of ['open-dashboard', 'update-subscriptions', 'close-all', 'quit']) assert.ok(byAction.get(a as never)?.enabled, a);
});
test('menu: core down disables everything that needs it, says so, and still offers dashboard and quit', () => {
  const m = buildMenu(snap(null, 'down'), { serviceInstalled: false });
  assert.equal(m[0]?.labelKey, 'tray.coreDown');
  for (const i of m.filter((x) => x.action.startsWith('mode:') || ['capture', 'gateway', 'close-all', 'update-subscriptions'].includes(x.action))) {
    assert.equal(i.enabled, false, i.action);
  }
  assert.ok(m.find((i) => i.action === 'open-dashboard')?.enabled);
  assert.ok(m.find((i) => i.action === 'install-service')?.enabled, 'offers to install the service');
  assert.equal(m.find((i) => i.action === 'quit')?.labelKey, 'tray.quitAndStop');
});
test('menu: every label key exists in both catalogs', () => {
  const en = JSON.parse(readFileSync(new URL('../../../renderer/src/i18n/en.json', import.meta.url), 'utf8')) as Record<string, string>;
  const zh = JSON.parse(readFileSync(new URL('../../../renderer/src/i18n/zh-CN.json', import.meta.url), 'utf8')) as Record<string, string>;
  const keys = new Set([...buildMenu(snap(null), { serviceInstalled: false }), ...buildMenu(snap(configs({})), { serviceInstalled: true })].map((i) => i.labelKey).filter(Boolean));
  for (const k of keys) {
    assert.ok(en[k], `en: ${k}`);
    assert.ok(zh[k], `zh-CN: ${k}`);
  }
});

test('actions: mode click patches mode; capture toggles; gateway on implies capture', () => {
  const s = snap(configs({ enable: false }));
  assert.deepEqual(actionPlan('mode:direct', s, { serviceInstalled: true }), [{ do: 'patch-configs', body: { mode: 'direct' } }]);
  assert.deepEqual(actionPlan('capture', s, { serviceInstalled: true }), [{ do: 'patch-configs', body: { capture: { enable: true } } }]);
  assert.deepEqual(actionPlan('gateway', s, { serviceInstalled: true }), [{ do: 'patch-configs', body: { capture: { enable: true, lan: true } } }]);
  const gw = snap(configs({ enable: true, installed: true, lan: true }));
  assert.deepEqual(actionPlan('gateway', gw, { serviceInstalled: true }), [{ do: 'patch-configs', body: { capture: { lan: false } } }]);
});
test('actions: start at login toggles the autostart entry; service entries map to their steps', () => {
  const s = snap(configs({}));
  assert.deepEqual(actionPlan('autostart', s, { serviceInstalled: false, autostart: false }), [{ do: 'set-autostart', enable: true }]);
  assert.deepEqual(actionPlan('autostart', s, { serviceInstalled: false, autostart: true }), [{ do: 'set-autostart', enable: false }]);
  assert.equal(buildMenu(s, { serviceInstalled: false, autostart: true }).find((i) => i.action === 'autostart')?.checked, true);
  assert.deepEqual(actionPlan('install-service', s, { serviceInstalled: false }), [{ do: 'install-service' }]);
  assert.deepEqual(actionPlan('remove-service', s, { serviceInstalled: true }), [{ do: 'remove-service' }]);
});

test('actions: quit stops capture first unless the core runs as a service', () => {
  const on = snap(configs({ enable: true, installed: true }));
  assert.deepEqual(actionPlan('quit', on, { serviceInstalled: false }), [
    { do: 'patch-configs', body: { capture: { enable: false } } },
    { do: 'quit-app' },
  ]);
  assert.deepEqual(actionPlan('quit', on, { serviceInstalled: true }), [{ do: 'quit-app' }]);
  assert.deepEqual(actionPlan('quit', snap(null), { serviceInstalled: false }), [{ do: 'quit-app' }]);
});

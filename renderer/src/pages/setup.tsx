// First run: the core runs the bundled default config with no upstream and
// no profile. Three short steps: 1) import a profile (URL or file) or add a
// SOCKS5 upstream by hand (it becomes the MATCH target), 2) choose capture
// (needs the service) or the system proxy (desktop app), 3) watch the first
// connections arrive. "Skip" remembers the choice in this browser.
import { useMemo, useState } from 'preact/hooks';
import type { ApiConfigEditOp, ApiConnections } from '../../../main/controller/api-types.js';
import { ErrorBox } from '../components/error-box.js';
import { ProfileImport } from '../components/profile-import.js';
import { SocksForm, EMPTY_SOCKS } from '../components/socks-form.js';
import { SystemProxyCard } from '../components/system-proxy-card.js';
import { useAction, useResource } from '../hooks/use-resource.js';
import { useLatest } from '../hooks/use-stream.js';
import { useI18n } from '../i18n/context.js';
import { systemProxyBridge } from '../services/system-proxy.js';
import { ruleLinesOf } from '../utils/rule-line.js';

export function SetupPage(props: { onDone: () => void }) {
  const i = useI18n();
  const { t } = i;
  const [step, setStep] = useState(1);
  const raw = useResource((c) => c.configRaw(), []);
  const edit = useAction();
  const capture = useAction();
  const conns = useLatest<ApiConnections>('/connections?interval=1000');
  const matchIndex = useMemo(() => ruleLinesOf(raw.data?.payload ?? '').findIndex((l) => /^\s*MATCH\s*,/i.test(l)), [raw.data]);
  const addSocks = async (ops: ApiConfigEditOp[]): Promise<boolean> => {
    const put = ops.find((o) => o.op === 'proxy.put');
    if (!put || put.op !== 'proxy.put') return false;
    // The new upstream takes what no other rule matched (the default's local ranges stay DIRECT).
    const route: ApiConfigEditOp = matchIndex >= 0 ? { op: 'rule.replace', index: matchIndex, rule: `MATCH,${put.proxy.name}` } : { op: 'rule.insert', rule: `MATCH,${put.proxy.name}` };
    const ok = !!(await edit.run((c) => c.editConfig([put, route])));
    if (ok) setStep(2);
    return ok;
  };
  const recent = (conns.value?.connections ?? []).slice(-8).reverse();
  return (
    <section class="page setup" aria-labelledby="h-setup" data-testid="setup">
      <h1 id="h-setup">{t('setup.title')}</h1>
      <p class="muted">{t('setup.intro')}</p>
      <ol class="steps" aria-label={t('setup.steps')}>
        {[1, 2, 3].map((n) => (
          <li class={n === step ? 'badge ok' : 'badge'} aria-current={n === step ? 'step' : undefined}>
            {t(`setup.step${n}` as 'setup.step1')}
          </li>
        ))}
      </ol>
      {step === 1 && (
        <>
          <ProfileImport activate onImported={() => setStep(2)} />
          <p class="muted or">{t('setup.or')}</p>
          <SocksForm initial={EMPTY_SOCKS} groups={[]} busy={edit.busy} error={edit.error} onSubmit={addSocks} />
        </>
      )}
      {step === 2 && (
        <>
          <div class="card">
            <h2>{t('setup.captureTitle')}</h2>
            <p class="muted small">{t('setup.captureNote')}</p>
            <button type="button" class="primary" disabled={capture.busy} onClick={() => void capture.attempt((c) => c.patchConfigs({ capture: { enable: true, local: true } })).then((ok) => ok && setStep(3))} data-testid="setup-capture">
              {t('setup.useCapture')}
            </button>
            <ErrorBox error={capture.error} onDismiss={capture.clear} />
          </div>
          <SystemProxyCard />
          {!systemProxyBridge() && <p class="muted small">{t('setup.sysproxyDesktopOnly')}</p>}
          <button type="button" onClick={() => setStep(3)} data-testid="setup-next">
            {t('setup.next')}
          </button>
        </>
      )}
      {step === 3 && (
        <div class="card" aria-live="polite">
          <h2>{t('setup.firstConnections')}</h2>
          {recent.length === 0 ? (
            <p class="muted">{t('setup.waiting')}</p>
          ) : (
            <ul class="list" data-testid="setup-connections">
              {recent.map((c) => (
                <li>
                  <strong>{c.metadata.host || c.metadata.destinationIP}</strong>
                  <span class="muted">:{c.metadata.destinationPort}</span>
                  <span class="grow" />
                  <span class="muted">{c.chains.slice().reverse().join(' → ')}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div class="toolbar">
        <button type="button" class={step === 3 ? 'primary' : ''} onClick={props.onDone} data-testid="setup-done">
          {step === 3 ? t('setup.finish') : t('setup.skip')}
        </button>
      </div>
    </section>
  );
}

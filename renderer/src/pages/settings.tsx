// Settings: capture (local/LAN, interfaces, bypass, on-failure), DNS mode,
// controller address and secret, language, theme; About with the DB-IP credit.
import { useEffect, useState } from 'preact/hooks';
import type { ApiCaptureState } from '../../../main/controller/api-types.js';
import { Segmented, Switch } from '../components/controls.js';
import { ErrorBox } from '../components/error-box.js';
import { SystemProxyCard } from '../components/system-proxy-card.js';
import { useAction, useResource } from '../hooks/use-resource.js';
import { useI18n } from '../i18n/context.js';
import type { Locale } from '../i18n/i18n.js';
import type { Theme } from '../services/settings.js';

export interface SettingsProps {
  locale: Locale;
  theme: Theme;
  controller: { baseUrl: string; secret: string };
  onLocale: (l: Locale) => void;
  onTheme: (t: Theme) => void;
  onController: (baseUrl: string, secret: string) => void;
}

const splitList = (s: string): string[] => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);

export function SettingsPage(props: SettingsProps) {
  const { t } = useI18n();
  const configs = useResource((c) => c.configs(), []);
  const action = useAction();
  const cap = configs.data?.capture;
  const [draft, setDraft] = useState<ApiCaptureState | null>(null);
  const [ifaces, setIfaces] = useState('');
  const [bypass, setBypass] = useState('');
  const [url, setUrl] = useState(props.controller.baseUrl);
  const [secret, setSecret] = useState(props.controller.secret);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!cap) return;
    setDraft(cap);
    setIfaces(cap.interfaces.join(', '));
    setBypass(cap.bypass.join(', '));
  }, [cap]);

  const saveCapture = async () => {
    if (!draft) return;
    setSaved(false);
    const ok = await action.attempt((c) =>
      c.patchConfigs({
        capture: { local: draft.local, lan: draft.lan, interfaces: splitList(ifaces), bypass: splitList(bypass), 'on-failure': draft['on-failure'] },
      }),
    );
    setSaved(ok);
    await configs.reload();
  };

  return (
    <section class="page" aria-labelledby="h-settings">
      <h1 id="h-settings">{t('nav.settings')}</h1>
      <ErrorBox error={action.error ?? configs.error} onDismiss={action.clear} />
      <div class="grid two">
        <form class="card" onSubmit={(e) => (e.preventDefault(), void saveCapture())}>
          <h2>{t('settings.capture')}</h2>
          {!draft ? (
            <p class="muted">{t('overview.captureUnknown')}</p>
          ) : (
            <>
              <Switch label={t('settings.captureLocal')} checked={draft.local} onChange={(v) => setDraft({ ...draft, local: v })} />
              <Switch label={t('settings.captureLan')} checked={draft.lan} onChange={(v) => setDraft({ ...draft, lan: v })} />
              <label>
                {t('settings.interfaces')}
                <input value={ifaces} placeholder="eth1, wlan0" onInput={(e) => setIfaces((e.currentTarget as HTMLInputElement).value)} />
              </label>
              <label>
                {t('settings.bypass')}
                <textarea rows={3} value={bypass} placeholder="192.0.2.0/24" onInput={(e) => setBypass((e.currentTarget as HTMLTextAreaElement).value)} />
              </label>
              <fieldset>
                <legend>{t('settings.onFailure')}</legend>
                <Segmented<'open' | 'closed'>
                  label={t('settings.onFailure')}
                  value={draft['on-failure']}
                  options={[
                    { value: 'open', label: t('settings.onFailure.open') },
                    { value: 'closed', label: t('settings.onFailure.closed') },
                  ]}
                  onChange={(v) => setDraft({ ...draft, 'on-failure': v })}
                />
                <p class="muted small">{t(`settings.onFailure.${draft['on-failure']}.hint`)}</p>
              </fieldset>
              <button type="submit" class="primary" disabled={action.busy}>
                {t('common.apply')}
              </button>
              {saved && <span class="ok small"> {t('common.saved')}</span>}
            </>
          )}
        </form>
        <SystemProxyCard />
        <div class="card">
          <h2>{t('settings.dns')}</h2>
          {/* The controller has no DNS settings to read or change yet (PATCH /configs ignores `dns`), so say where to change it. */}
          <p class="muted small" data-testid="dns-note">{t('settings.dnsInConfig')}</p>
          <label>
            {t('settings.logLevel')}
            <select
              value={configs.data?.['log-level'] ?? 'info'}
              disabled={!configs.data}
              data-testid="log-level"
              onChange={(e) => {
                const level = (e.currentTarget as HTMLSelectElement).value;
                void action.attempt((c) => c.patchConfigs({ 'log-level': level })).then(() => configs.reload());
              }}
            >
              {(['debug', 'info', 'warning', 'error', 'silent'] as const).map((l) => (
                <option value={l}>{t(`logs.${l}`)}</option>
              ))}
            </select>
          </label>
          <h2>{t('settings.appearance')}</h2>
          <label>
            {t('settings.language')}
            <select value={props.locale} data-testid="language" onChange={(e) => props.onLocale((e.currentTarget as HTMLSelectElement).value as Locale)}>
              <option value="en">English</option>
              <option value="zh-CN">简体中文</option>
            </select>
          </label>
          <div>
            <span class="label">{t('settings.theme')}</span>
            <Segmented<Theme>
              label={t('settings.theme')}
              value={props.theme}
              options={[
                { value: 'system', label: t('settings.theme.system') },
                { value: 'light', label: t('settings.theme.light') },
                { value: 'dark', label: t('settings.theme.dark') },
              ]}
              onChange={props.onTheme}
            />
          </div>
        </div>
        <form class="card" onSubmit={(e) => (e.preventDefault(), props.onController(url.trim().replace(/\/+$/, ''), secret))}>
          <h2>{t('settings.controller')}</h2>
          <label>
            {t('login.address')}
            <input type="url" value={url} onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <label>
            {t('login.secret')}
            <input type="password" value={secret} onInput={(e) => setSecret((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <button type="submit">{t('login.connect')}</button>
        </form>
        <div class="card about">
          <h2>{t('settings.about')}</h2>
          <p>{t('settings.aboutText')}</p>
          <p class="small" data-testid="dbip-credit">
            {t('settings.geoipCredit')} (
            <a href="https://db-ip.com" target="_blank" rel="noopener noreferrer">
              https://db-ip.com
            </a>
            ), CC BY 4.0
          </p>
        </div>
      </div>
    </section>
  );
}

// The app shell: finds the controller, checks it (GET /version), shows the
// login form on 401, and routes between pages by the URL hash (#/rules).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiContext, makeApi } from './api/context.js';
import { ApiFailure } from './api/client.js';
import { resolveController } from './api/controller-address.js';
import { LiveBadge } from './components/live-badge.js';
import { Login } from './components/login.js';
import { I18nContext, makeI18n, type MessageKey } from './i18n/context.js';
import type { Locale } from './i18n/i18n.js';
import { ConnectionsPage } from './pages/connections.js';
import { LogsPage } from './pages/logs.js';
import { OverviewPage } from './pages/overview.js';
import { ProfilesPage } from './pages/profiles.js';
import { ProxiesPage } from './pages/proxies.js';
import { SetupPage } from './pages/setup.js';
import { isFirstRun } from './services/first-run.js';
import { RuleSetsPage } from './pages/rule-sets.js';
import { RulesPage } from './pages/rules.js';
import { SettingsPage } from './pages/settings.js';
import { effectiveLocale, loadSettings, saveSettings, type StoredSettings, type Theme } from './services/settings.js';

// window.switchyard (the Electron preload bridge) is declared in services/system-proxy.ts.
import './services/system-proxy.js';

export const PAGES = ['overview', 'connections', 'rules', 'rule-sets', 'proxies', 'profiles', 'logs', 'settings'] as const;
export type Page = (typeof PAGES)[number];
const NAV_KEYS: Record<Page, MessageKey> = {
  overview: 'nav.overview',
  connections: 'nav.connections',
  rules: 'nav.rules',
  'rule-sets': 'nav.ruleSets',
  proxies: 'nav.proxies',
  profiles: 'nav.profiles',
  logs: 'nav.logs',
  settings: 'nav.settings',
};

function pageFromHash(): Page | 'setup' {
  const name = location.hash.replace(/^#\/?/, '').split('?')[0] as Page;
  if ((name as string) === 'setup') return 'setup';
  return PAGES.includes(name) ? name : 'overview';
}

const SETUP_DONE = 'switchyard.setup.done';

type Conn = { state: 'checking' | 'ok' } | { state: 'login'; reason: 'none' | 'unauthorized' | 'unreachable'; detail: string };

export function App() {
  const [settings, setSettings] = useState<StoredSettings>(() => loadSettings(window.localStorage));
  const locale = effectiveLocale(settings, navigator.languages ?? [navigator.language]);
  const i18n = useMemo(() => makeI18n(locale), [locale]);
  const [controller, setController] = useState(() =>
    resolveController({
      search: location.search,
      hash: location.hash,
      origin: location.origin,
      protocol: location.protocol,
      bridge: window.switchyard?.controller,
      saved: settings.controller,
    }),
  );
  const [conn, setConn] = useState<Conn>({ state: 'checking' });
  const [page, setPage] = useState<Page | 'setup'>(pageFromHash);
  const [firstRun, setFirstRun] = useState(false);

  const update = (s: StoredSettings) => {
    setSettings(s);
    saveSettings(window.localStorage, s);
  };

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = i18n.t('app.title');
  }, [locale, i18n]);
  useEffect(() => {
    const dark = settings.theme === 'dark' || (settings.theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }, [settings.theme]);
  useEffect(() => {
    const on = () => setPage(pageFromHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);

  const api = useMemo(
    () => (controller.baseUrl ? makeApi(controller.baseUrl, controller.secret, () => setConn({ state: 'login', reason: 'unauthorized', detail: '' })) : null),
    [controller],
  );
  useEffect(() => () => api?.hub.closeAll(), [api]);
  useEffect(() => {
    if (!api) {
      setConn({ state: 'login', reason: 'none', detail: '' });
      return;
    }
    setConn({ state: 'checking' });
    api.client.version().then(
      () => setConn({ state: 'ok' }),
      (e: unknown) => {
        const unauthorized = e instanceof ApiFailure && e.unauthorized;
        setConn({ state: 'login', reason: unauthorized ? 'unauthorized' : 'unreachable', detail: unauthorized ? '' : e instanceof Error ? e.message : String(e) });
      },
    );
  }, [api]);

  // First run: the bundled default with no upstream and no profile opens the setup (once per browser).
  useEffect(() => {
    if (conn.state !== 'ok' || !api) return;
    let done = false;
    try {
      done = window.localStorage.getItem(SETUP_DONE) === '1';
    } catch {
      /* no storage */
    }
    if (!done) void isFirstRun(api.client).then(setFirstRun);
  }, [conn.state, api]);
  const finishSetup = () => {
    try {
      window.localStorage.setItem(SETUP_DONE, '1');
    } catch {
      /* no storage */
    }
    setFirstRun(false);
    location.hash = '#/overview';
    setPage('overview');
  };
  const showSetup = page === 'setup' || firstRun;

  const connect = (baseUrl: string, secret: string) => {
    update({ ...settings, controller: { baseUrl, secret } });
    setController({ baseUrl, secret, source: 'saved' });
  };

  let body;
  if (conn.state === 'login' || !api) {
    body = <Login initialUrl={controller.baseUrl} reason={conn.state === 'login' ? conn.reason : 'none'} detail={conn.state === 'login' ? conn.detail : ''} onSubmit={connect} />;
  } else if (conn.state === 'checking') {
    body = <p class="muted center">{i18n.t('common.connecting')}</p>;
  } else {
    body = (
      <ApiContext.Provider value={api}>
        <div class="layout">
          <a class="skip" href="#main">
            {i18n.t('app.skip')}
          </a>
          <nav class="nav" aria-label={i18n.t('nav.label')}>
            <div class="brand">
              <img src="./favicon.svg" alt="" width="24" height="24" /> {i18n.t('app.name')}
            </div>
            <ul>
              {PAGES.map((p) => (
                <li>
                  <a href={`#/${p}`} aria-current={p === page ? 'page' : undefined} class={p === page ? 'active' : ''} data-page={p}>
                    {i18n.t(NAV_KEYS[p])}
                  </a>
                </li>
              ))}
            </ul>
            <LiveBadge />
          </nav>
          <main id="main" tabIndex={-1}>
            {showSetup && <SetupPage onDone={finishSetup} />}
            {!showSetup && page === 'overview' && <OverviewPage />}
            {!showSetup && page === 'connections' && <ConnectionsPage />}
            {!showSetup && page === 'rules' && <RulesPage />}
            {!showSetup && page === 'rule-sets' && <RuleSetsPage />}
            {!showSetup && page === 'proxies' && <ProxiesPage />}
            {!showSetup && page === 'profiles' && <ProfilesPage />}
            {!showSetup && page === 'logs' && <LogsPage />}
            {!showSetup && page === 'settings' && (
              <SettingsPage
                locale={locale}
                theme={settings.theme}
                controller={controller}
                onLocale={(l: Locale) => update({ ...settings, locale: l })}
                onTheme={(th: Theme) => update({ ...settings, theme: th })}
                onController={connect}
              />
            )}
          </main>
        </div>
      </ApiContext.Provider>
    );
  }
  return <I18nContext.Provider value={i18n}>{body}</I18nContext.Provider>;
}

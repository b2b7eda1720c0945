// The login form: controller address and secret. Shown when nothing says where
// the controller is, or when it answers 401.
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/context.js';

export function Login(props: { initialUrl: string; reason: 'none' | 'unauthorized' | 'unreachable'; detail: string; onSubmit: (baseUrl: string, secret: string) => void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState(props.initialUrl || 'http://127.0.0.1:9090');
  const [secret, setSecret] = useState('');
  const message = props.reason === 'unauthorized' ? t('login.unauthorized') : props.reason === 'unreachable' ? t('login.unreachable', { url: props.initialUrl }) : t('login.intro');
  return (
    <main class="login">
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit(url.trim().replace(/\/+$/, ''), secret);
        }}
      >
        <h1>{t('app.name')}</h1>
        <p role={props.reason === 'none' ? undefined : 'alert'} class={props.reason === 'none' ? '' : 'warn'}>
          {message}
        </p>
        {props.detail && <p class="muted small">{props.detail}</p>}
        <label>
          {t('login.address')}
          <input type="url" value={url} required onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          {t('login.secret')}
          <input type="password" value={secret} autocomplete="current-password" onInput={(e) => setSecret((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary">
          {t('login.connect')}
        </button>
      </form>
    </main>
  );
}

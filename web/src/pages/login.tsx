import { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { t } from '../i18n';
import { password as checkPassword } from '../validate';
import { errorText, Session, TextField } from '../ui';

export function LoginPage({ onSignedIn, langSwitch }: { onSignedIn: (s: Session) => void; langSwitch: ComponentChildren }) {
  const [username, setUsername] = useState('');
  const [pw, setPw] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [showSetup, setShowSetup] = useState(false);
  const [token, setToken] = useState('');
  const [newPw, setNewPw] = useState('');
  const [setupMsg, setSetupMsg] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!username || !pw) { setError(t('auth.fill_both')); return; }
    setBusy(true); setError(null);
    try {
      const s = await request<Session>('/api/v1/auth/login', { method: 'POST', body: { username, password: pw }, noAuthRedirect: true });
      onSignedIn(s);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('auth.bad_credentials'));
      else if (err instanceof ApiError && err.status === 429) setError(t('auth.locked', { detail: err.detail }));
      else setError(errorText(err));
    } finally { setBusy(false); }
  };

  const setup = async (e: Event) => {
    e.preventDefault();
    const bad = checkPassword(newPw);
    if (!token || bad) { setSetupMsg({ ok: false, text: !token ? t('auth.setup_token_needed') : t(bad!.key) }); return; }
    try {
      await request('/api/v1/auth/setup', { method: 'POST', body: { token, password: newPw }, noAuthRedirect: true });
      setSetupMsg({ ok: true, text: t('auth.setup_done') });
      setUsername('admin'); setShowSetup(false);
    } catch (err) { setSetupMsg({ ok: false, text: errorText(err) }); }
  };

  return (
    <main class="login-page" id="main">
      <div class="login-card">
        <div class="login-head">
          <h1><img src="./favicon.svg" alt="" width={28} height={28} /> provisiond</h1>
          {langSwitch}
        </div>
        <p class="muted">{t('auth.intro')}</p>
        <form onSubmit={submit} noValidate>
          <TextField label={t('auth.username')} value={username} onInput={setUsername} autoComplete="username" required />
          <TextField label={t('auth.password')} type="password" value={pw} onInput={setPw} autoComplete="current-password" required />
          {error && <div class="alert alert-error" role="alert">{error}</div>}
          <button type="submit" class="btn btn-primary btn-block" disabled={busy}>{busy ? t('auth.signing_in') : t('auth.sign_in')}</button>
        </form>
        <details class="first-start" open={showSetup} onToggle={(e) => setShowSetup((e.target as HTMLDetailsElement).open)}>
          <summary>{t('auth.first_start')}</summary>
          <p>{t('auth.first_start_text')}</p>
          <ul>
            <li><code>PROVISIOND_ADMIN_PASSWORD=… provisiond serve</code></li>
            <li><code>provisiond users passwd admin</code></li>
          </ul>
          <p>{t('auth.setup_text')}</p>
          <form onSubmit={setup} noValidate>
            <TextField label={t('auth.setup_token')} value={token} onInput={setToken} mono autoComplete="off" />
            <TextField label={t('auth.new_password')} type="password" value={newPw} onInput={setNewPw} autoComplete="new-password" help={t('auth.password_rule')} />
            {setupMsg && <div class={'alert ' + (setupMsg.ok ? 'alert-ok' : 'alert-error')} role="alert">{setupMsg.text}</div>}
            <button type="submit" class="btn">{t('auth.setup_submit')}</button>
          </form>
        </details>
      </div>
    </main>
  );
}

import { useState } from 'preact/hooks';
import { api, ApiError, seg } from '../api';
import { t } from '../i18n';
import { atLeast } from '../roles';
import { errorText, invalidText, PageHeader, TextField, useSession } from '../ui';
import { password } from '../validate';

export function AccountPage() {
  const session = useSession();
  const [cur, setCur] = useState('');
  const [pw, setPw] = useState('');
  const [pw2, setPw2] = useState('');
  const [errs, setErrs] = useState<Record<string, string | null>>({});
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const ce: Record<string, string | null> = {
      current: cur ? null : t('validate.required'),
      password: invalidText(password(pw)) || null,
      password2: pw === pw2 ? null : t('account.mismatch'),
    };
    setErrs(ce);
    if (Object.values(ce).some(Boolean)) return;
    try {
      try {
        await api.put('/api/v1/auth/password', { current: cur, password: pw });
      } catch (e2) {
        // Until the self route exists, an admin can still change their own password.
        if (e2 instanceof ApiError && (e2.status === 404 || e2.status === 405) && atLeast(session.role, 'admin')) {
          await api.put('/api/v1/admin/users/' + seg(session.username), { password: pw });
        } else throw e2;
      }
      setMsg({ ok: true, text: t('account.changed') });
      setCur(''); setPw(''); setPw2('');
    } catch (e3) {
      if (e3 instanceof ApiError && e3.field) setErrs({ [e3.field]: e3.detail });
      else if (e3 instanceof ApiError && e3.status === 404) setMsg({ ok: false, text: t('account.unavailable') });
      else setMsg({ ok: false, text: errorText(e3) });
    }
  };
  return (
    <div>
      <PageHeader title={t('nav.account')} />
      <section class="panel">
        <dl class="props">
          <dt>{t('users.name')}</dt><dd>{session.username}</dd>
          <dt>{t('users.role')}</dt><dd>{t('role.' + session.role)}</dd>
          <dt>{t('account.via')}</dt><dd>{session.via || '–'}</dd>
        </dl>
        <p class="muted">{t('account.role_help.' + session.role)}</p>
      </section>
      <section class="panel" aria-labelledby="h-pw">
        <h2 id="h-pw">{t('account.change_password')}</h2>
        <p class="muted">{t('account.change_help')}</p>
        <form onSubmit={submit} noValidate class="narrow-form">
          <TextField label={t('account.current')} type="password" value={cur} onInput={setCur} error={errs.current} autoComplete="current-password" required />
          <TextField label={t('auth.new_password')} type="password" value={pw} onInput={setPw} error={errs.password} help={t('auth.password_rule')} autoComplete="new-password" required />
          <TextField label={t('account.repeat')} type="password" value={pw2} onInput={setPw2} error={errs.password2} autoComplete="new-password" required />
          {msg && <div class={'alert ' + (msg.ok ? 'alert-ok' : 'alert-error')} role="alert">{msg.text}</div>}
          <button type="submit" class="btn btn-primary">{t('account.submit')}</button>
        </form>
      </section>
    </div>
  );
}

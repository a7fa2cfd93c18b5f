import { useState } from 'preact/hooks';
import { t } from '../i18n';

/** A secret shown once, with a copy button. */
export function SecretOnce({ secret, onClose }: { secret: string; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="alert alert-ok secret" role="alert">
      <strong>{t('secret.title')}</strong>
      <p>{t('secret.text')}</p>
      <div class="secret-row">
        <input type="text" readOnly value={secret} class="mono wide-input" aria-label={t('secret.label')} onFocus={(e) => (e.target as HTMLInputElement).select()} />
        <button type="button" class="btn" onClick={async () => { try { await navigator.clipboard.writeText(secret); setCopied(true); } catch { setCopied(false); } }}>{copied ? t('secret.copied') : t('secret.copy')}</button>
      </div>
      <button type="button" class="btn btn-small" onClick={onClose}>{t('secret.stored')}</button>
    </div>
  );
}

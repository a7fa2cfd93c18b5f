import { CrudPage } from '../crud';
import { t } from '../i18n';
import { atLeast } from '../roles';
import { Route } from '../router';
import { useSession } from '../ui';

export function LocalesPage({ route }: { route: Route }) {
  const session = useSession();
  return (
    <CrudPage route={route} path="/locales" table="locales" title={t('nav.locales')} keyField="country" intro={t('locale.intro')}
      canWrite={atLeast(session.role, 'admin')} importable defaults={{ sort: 'country', limit: 100 }}
      columns={[
        { key: 'country', label: t('computer.country') },
        { key: 'language', label: t('computer.language') },
        { key: 'keyboard', label: t('computer.keyboard') },
        { key: 'timezone', label: t('computer.timezone') },
      ]}
      fields={[
        { key: 'country', label: t('computer.country'), required: true, isKey: true, placeholder: 'FR', validate: (v) => (/^[A-Za-z]{2,3}$/.test(v.trim()) ? null : { key: 'validate.country' }) },
        { key: 'language', label: t('computer.language'), placeholder: 'fr-FR' },
        { key: 'keyboard', label: t('computer.keyboard'), placeholder: 'fr-FR' },
        { key: 'timezone', label: t('computer.timezone'), placeholder: 'Romance Standard Time' },
      ]}
    />
  );
}

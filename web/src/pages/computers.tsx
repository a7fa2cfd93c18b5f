import { api } from '../api';
import { CrudPage, FieldDef } from '../crud';
import { t } from '../i18n';
import { atLeast } from '../roles';
import { Route } from '../router';
import { useAsync, useSession } from '../ui';
import { netbiosName } from '../validate';

export function computerFields(types: string[] | null): FieldDef[] {
  return [
    { key: 'serial', label: t('computer.serial'), required: true, isKey: true, mono: true },
    { key: 'computer_name', label: t('computer.name'), validate: (v) => (v ? netbiosName(v) : null), help: t('computer.name_help'), mono: true },
    types
      ? { key: 'type', label: t('computer.type'), kind: 'select', options: [{ value: '', label: t('common.none_option') }, ...types.map((x) => ({ value: x, label: x }))] }
      : { key: 'type', label: t('computer.type') },
    { key: 'country', label: t('computer.country'), placeholder: 'FR' },
    { key: 'language', label: t('computer.language'), placeholder: 'fr-FR' },
    { key: 'keyboard', label: t('computer.keyboard'), placeholder: 'fr-FR' },
    { key: 'timezone', label: t('computer.timezone'), placeholder: 'Romance Standard Time' },
    { key: 'uuid', label: t('computer.uuid'), mono: true },
    { key: 'mac', label: t('computer.mac'), mono: true, help: t('computer.mac_help') },
    { key: 'notes', label: t('computer.notes'), kind: 'textarea' },
    { key: 'created_by', label: t('computer.created_by'), readOnly: true },
  ];
}

export function ComputersPage({ route }: { route: Route }) {
  const session = useSession();
  const types = useAsync<{ items: { name: string }[] }>((s) => api.get('/api/v1/admin/types', { limit: 1000, sort: 'name' }, s), []);
  const typeNames = types.data ? types.data.items.map((x) => x.name) : null;
  return (
    <CrudPage route={route} path="/computers" table="computers" title={t('nav.computers')} keyField="serial"
      intro={t('computer.intro')} searchLabel={t('computer.search')}
      canWrite={atLeast(session.role, 'operator')} importable
      defaults={{ sort: 'serial', limit: 50 }}
      columns={[
        { key: 'serial', label: t('computer.serial'), class: 'mono' },
        { key: 'computer_name', label: t('computer.name') },
        { key: 'type', label: t('computer.type') },
        { key: 'country', label: t('computer.country') },
        { key: 'language', label: t('computer.language') },
        { key: 'timezone', label: t('computer.timezone') },
        { key: 'created_by', label: t('computer.created_by') },
      ]}
      fields={computerFields(typeNames)}
      rowActions={(row) => <a class="btn btn-small" href={'#/preview?serial=' + encodeURIComponent(row.serial)}>{t('computer.preview')}<span class="visually-hidden"> {row.serial}</span></a>}
    />
  );
}

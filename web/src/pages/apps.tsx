import { CrudPage } from '../crud';
import { t } from '../i18n';
import { atLeast } from '../roles';
import { Route } from '../router';
import { normaliseKind } from '../source';
import { KindBadge, SourceText, useSession, Yes } from '../ui';
import { RegexCheck, RegexLinesCheck, SourceInfo } from './checks';

export function AppsPage({ route }: { route: Route }) {
  const session = useSession();
  return (
    <CrudPage route={route} path="/apps" table="apps" title={t('nav.apps')} keyField="name" intro={t('app.intro')}
      canWrite={atLeast(session.role, 'admin')} importable defaults={{ sort: 'name', limit: 50 }}
      newDefaults={{ enabled: true, reboot: false, success_codes: [0, 3010] }}
      columns={[
        { key: 'name', label: t('app.name') },
        { key: 'source_kind', label: t('app.source'), render: (r) => <><KindBadge kind={normaliseKind(r.source_kind)} /> <SourceText url={r.url} /></> },
        { key: 'script', label: t('app.script'), class: 'mono' },
        { key: 'reboot', label: t('app.reboot'), render: (r) => <Yes v={r.reboot} /> },
        { key: 'enabled', label: t('app.enabled'), render: (r) => <Yes v={r.enabled} /> },
        { key: 'used_by', label: t('app.used_by'), sortable: false, render: (r) => (r.used_by || []).length ? (r.used_by as string[]).map((ty) => <a key={ty} class="tag" href={'#/types?type=' + encodeURIComponent(ty)}>{ty}</a>) : <span class="muted">{t('app.unused')}</span> },
      ]}
      fields={[
        { key: 'name', label: t('app.name'), required: true, isKey: true },
        { key: 'url', label: t('app.url'), mono: true, wide: true, help: t('app.url_help'), extra: (v) => <SourceInfo url={v.url} /> },
        { key: 'script', label: t('app.script'), mono: true, help: t('app.script_help') },
        { key: 'install_args', label: t('app.install_args'), mono: true },
        { key: 'success_codes', label: t('app.success_codes'), kind: 'ints', mono: true, help: t('app.success_codes_help') },
        { key: 'reboot', label: t('app.reboot_label'), kind: 'bool', help: t('app.reboot_help') },
        { key: 'enabled', label: t('app.enabled'), kind: 'bool' },
        { key: 'allowed_countries', label: t('app.allowed_countries'), kind: 'list', help: t('app.countries_help') },
        { key: 'blocked_countries', label: t('app.blocked_countries'), kind: 'list', help: t('app.countries_help') },
        { key: 'allowed_models', label: t('app.allowed_models'), kind: 'lines', help: t('app.models_help'), extra: (v) => <RegexLinesCheck text={v.allowed_models} field="model" /> },
        { key: 'os_filter', label: t('app.os_filter'), mono: true, help: t('app.os_help'), extra: (v) => <RegexCheck regex={v.os_filter} field="os" /> },
        { key: 'used_by', label: t('app.used_by'), kind: 'list', readOnly: true, help: t('app.used_by_help') },
      ]}
    />
  );
}

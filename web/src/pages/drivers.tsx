import { useState } from 'preact/hooks';
import { api, seg } from '../api';
import { CrudPage } from '../crud';
import { t } from '../i18n';
import { atLeast } from '../roles';
import { Route } from '../router';
import { normaliseKind } from '../source';
import { errorText, KindBadge, notify, SourceText, useSession, Yes } from '../ui';
import { intInRange } from '../validate';
import { RegexCheck, SourceInfo } from './checks';

const nonNeg = (v: string) => (v === '' ? null : intInRange(v, 0, 1_000_000));

export function DriversPage({ route }: { route: Route }) {
  const session = useSession();
  const admin = atLeast(session.role, 'admin');
  const [moveErr, setMoveErr] = useState<string | null>(null);
  const move = async (row: any, delta: number, reload: () => void) => {
    setMoveErr(null);
    try {
      await api.put(`/api/v1/admin/drivers/${seg(row.id)}/position`, { position: row.position + delta, version: row.version });
      notify(t('driver.moved', { id: row.id, position: row.position + delta }));
      reload();
    } catch (e) { setMoveErr(errorText(e)); reload(); }
  };
  return (
    <>
      {moveErr && <div class="alert alert-error" role="alert">{moveErr}</div>}
      <CrudPage route={route} path="/drivers" table="drivers" title={t('nav.drivers')} keyField="id" intro={t('driver.intro')}
        canWrite={admin} importable defaults={{ sort: 'position', limit: 100 }}
        newDefaults={{ enabled: true, priority: 0 }}
        deleteName={(r) => `#${r.id} (${r.model_regex})`}
        prepare={(b) => ({ ...b, bundle_id: b.bundle_id === '' ? null : b.bundle_id })}
        columns={[
          { key: 'position', label: t('driver.position'), class: 'num' },
          { key: 'model_regex', label: t('driver.model_regex'), class: 'mono' },
          { key: 'os_regex', label: t('driver.os_regex'), class: 'mono' },
          { key: 'source_kind', label: t('app.source'), render: (r) => <><KindBadge kind={normaliseKind(r.source_kind)} /> <SourceText url={r.url} /></> },
          { key: 'bundle_id', label: t('driver.bundle_id') },
          { key: 'priority', label: t('driver.priority'), class: 'num' },
          { key: 'enabled', label: t('app.enabled'), render: (r) => <Yes v={r.enabled} /> },
        ]}
        rowActions={admin ? (row, reload) => (
          <span class="move-btns">
            <button type="button" class="btn btn-small btn-icon" aria-label={t('driver.move_up', { id: row.id })} title={t('driver.move_up', { id: row.id })} disabled={row.position <= 1} onClick={() => move(row, -1, reload)}>↑</button>
            <button type="button" class="btn btn-small btn-icon" aria-label={t('driver.move_down', { id: row.id })} title={t('driver.move_down', { id: row.id })} onClick={() => move(row, 1, reload)}>↓</button>
          </span>
        ) : undefined}
        fields={[
          { key: 'id', label: t('driver.id'), readOnly: true },
          { key: 'model_regex', label: t('driver.model_regex'), mono: true, required: true, help: t('driver.model_help'), extra: (v) => <RegexCheck regex={v.model_regex} field="model" /> },
          { key: 'os_regex', label: t('driver.os_regex'), mono: true, help: t('driver.os_help'), extra: (v) => <RegexCheck regex={v.os_regex} field="os" /> },
          { key: 'url', label: t('driver.url'), mono: true, wide: true, help: t('app.url_help'), extra: (v) => <SourceInfo url={v.url} /> },
          { key: 'bundle_id', label: t('driver.bundle_id'), help: t('driver.bundle_help') },
          { key: 'priority', label: t('driver.priority'), kind: 'int', help: t('driver.priority_help'), validate: (v) => intInRange(v, -1_000_000, 1_000_000, true) },
          { key: 'min_ram_gb', label: t('driver.min_ram'), kind: 'nullint', validate: nonNeg },
          { key: 'min_disk_gb', label: t('driver.min_disk'), kind: 'nullint', validate: nonNeg },
          { key: 'min_cpu_count', label: t('driver.min_cpu'), kind: 'nullint', validate: nonNeg },
          { key: 'enabled', label: t('app.enabled'), kind: 'bool' },
        ]}
      />
    </>
  );
}

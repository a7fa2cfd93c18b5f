import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, seg } from '../api';
import { t } from '../i18n';
import { keyMove, moveItem, sameOrder } from '../reorder';
import { atLeast } from '../roles';
import { navigate, Route } from '../router';
import { AsyncBlock, ConflictView, Empty, errorText, FormError, notify, PageHeader, Referrers, SelectField, TextField, useAsync, useConfirm, useSession } from '../ui';

interface TypeRow { name: string; applications: string[]; computers: number; version: number }

export function TypesPage({ route }: { route: Route }) {
  const session = useSession();
  const admin = atLeast(session.role, 'admin');
  const list = useAsync<{ total: number; items: TypeRow[] }>((s) => api.get('/api/v1/admin/types', { limit: 1000, sort: 'name' }, s), []);
  const apps = useAsync<{ items: { name: string; enabled: boolean }[] }>((s) => api.get('/api/v1/admin/apps', { limit: 1000, sort: 'name' }, s), []);
  const selected = route.query.get('type') || '';
  const [newName, setNewName] = useState('');
  const [firstApp, setFirstApp] = useState('');
  const [createErr, setCreateErr] = useState<any>(null);
  const select = (name: string) => navigate('/types', name ? { type: name } : undefined);
  const create = async (e: Event) => {
    e.preventDefault();
    if (!newName.trim()) { setCreateErr(t('validate.required')); return; }
    try {
      const row = await api.post<TypeRow>('/api/v1/admin/types', { name: newName.trim(), applications: firstApp ? [firstApp] : [] });
      setNewName(''); setFirstApp(''); setCreateErr(null); list.reload(); select(row?.name || newName.trim());
    } catch (e2) { setCreateErr(e2); }
  };
  return (
    <div>
      <PageHeader title={t('nav.types')}>{t('type.intro')}</PageHeader>
      <AsyncBlock a={list} what={t('nav.types')}>
        {(d) => (
          <div class="master-detail">
            <nav class="panel master" aria-label={t('type.list')}>
              <h2>{t('type.list')}</h2>
              {d.items.length ? (
                <ul class="pick-list">
                  {d.items.map((ty) => (
                    <li key={ty.name}>
                      <a href={'#/types?type=' + encodeURIComponent(ty.name)} aria-current={selected === ty.name ? 'true' : undefined}>
                        <span>{ty.name}</span>
                        <span class="muted small">{t('type.counts', { apps: ty.applications.length, computers: ty.computers })}</span>
                      </a>
                    </li>
                  ))}
                </ul>
              ) : <Empty>{t('type.none')}</Empty>}
              {admin && (
                <form onSubmit={create} class="inline-form" noValidate>
                  <TextField label={t('type.new_name')} value={newName} onInput={setNewName} error={createErr && !(createErr instanceof ApiError) ? createErr : createErr?.field === 'name' ? createErr.detail : null} />
                  {/* The server refuses a type without applications (400 field applications). */}
                  <SelectField label={t('type.first_app')} value={firstApp} onChange={setFirstApp} required
                    error={createErr instanceof ApiError && createErr.field === 'applications' ? createErr.detail : null}
                    options={[{ value: '', label: t('type.choose_app') }, ...(apps.data?.items || []).map((x) => ({ value: x.name, label: x.name }))]} />
                  <button type="submit" class="btn btn-primary">{t('type.create')}</button>
                  {createErr instanceof ApiError && createErr.field !== 'name' && createErr.field !== 'applications' && <div class="alert alert-error">{errorText(createErr)}</div>}
                </form>
              )}
            </nav>
            <div class="detail">
              {selected && d.items.find((x) => x.name === selected)
                ? <TypeEditor key={selected + ':' + d.items.find((x) => x.name === selected)!.version} row={d.items.find((x) => x.name === selected)!} apps={apps.data?.items || []} canWrite={admin}
                  onSaved={() => list.reload()} onDeleted={() => { list.reload(); select(''); }} />
                : <Empty>{d.items.length ? t('type.pick') : ''}</Empty>}
            </div>
          </div>
        )}
      </AsyncBlock>
    </div>
  );
}

function TypeEditor({ row, apps, canWrite, onSaved, onDeleted }: { row: TypeRow; apps: { name: string; enabled: boolean }[]; canWrite: boolean; onSaved: () => void; onDeleted: () => void }) {
  const [order, setOrder] = useState<string[]>(row.applications);
  const [version, setVersion] = useState(row.version);
  const [base, setBase] = useState<string[]>(row.applications);
  const [error, setError] = useState<any>(null);
  const [conflict, setConflict] = useState<TypeRow | null>(null);
  const [add, setAdd] = useState('');
  const [announce, setAnnounce] = useState('');
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [focusIdx, setFocusIdx] = useState<number | null>(null);
  const [confirmEl, ask] = useConfirm();
  const listRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (focusIdx == null || !listRef.current) return;
    const el = listRef.current.querySelectorAll<HTMLElement>('li .drag-handle')[focusIdx];
    el?.focus();
  }, [order, focusIdx]);
  const dirty = !sameOrder(order, base);
  const known = new Set(apps.map((a) => a.name));
  const moveTo = (from: number, to: number) => {
    if (to === from || to < 0 || to >= order.length) return;
    setOrder(moveItem(order, from, to));
    setFocusIdx(to);
    setAnnounce(t('type.moved', { name: order[from], pos: to + 1, count: order.length }));
  };
  const save = async (ver = version) => {
    setError(null);
    try {
      const saved = await api.put<TypeRow>('/api/v1/admin/types/' + seg(row.name), { name: row.name, applications: order, version: ver });
      setBase(saved?.applications || order); setVersion(saved?.version ?? ver + 1); setConflict(null);
      notify(t('form.saved'));
      onSaved();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.current) setConflict(e.current);
      setError(e);
    }
  };
  const del = async () => {
    if (!(await ask(t('crud.delete_confirm', { name: row.name }), t('common.delete')))) return;
    try { await api.del('/api/v1/admin/types/' + seg(row.name), { version }); notify(t('crud.deleted', { name: row.name })); onDeleted(); }
    catch (e) { setError(e); }
  };
  const available = apps.filter((a) => !order.includes(a.name));
  return (
    <section class="panel" aria-labelledby="h-type">
      {confirmEl}
      <div class="panel-head">
        <h2 id="h-type">{row.name}</h2>
        <span class="muted">{t('type.computers', { n: row.computers })}</span>
        {canWrite && <button type="button" class="btn btn-small btn-danger-outline" onClick={del}>{t('common.delete')}</button>}
      </div>
      {conflict && (
        <ConflictView mine={{ applications: order }} current={conflict} fields={[{ key: 'applications', label: t('type.apps') }]}
          onKeepMine={() => { setVersion(conflict.version); save(conflict.version); }}
          onTakeTheirs={() => { setOrder(conflict.applications); setBase(conflict.applications); setVersion(conflict.version); setConflict(null); setError(null); }} />
      )}
      {error && <FormError error={error} />}
      {error && <Referrers error={error} />}
      <h3>{t('type.apps')}</h3>
      {canWrite && <p class="muted small" id="reorder-help">{t('type.reorder_help')}</p>}
      <div class="visually-hidden" aria-live="assertive">{announce}</div>
      {order.length ? (
        <ol class="order-list" ref={listRef}>
          {order.map((name, i) => (
            <li key={name} class={(dragFrom === i ? 'dragging ' : '') + (!known.has(name) && apps.length ? 'missing' : '')}
              draggable={canWrite}
              onDragStart={(e) => { setDragFrom(i); e.dataTransfer?.setData('text/plain', String(i)); if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move'; }}
              onDragOver={(e) => { if (dragFrom != null) e.preventDefault(); }}
              onDrop={(e) => { e.preventDefault(); if (dragFrom != null) moveTo(dragFrom, i); setDragFrom(null); }}
              onDragEnd={() => setDragFrom(null)}>
              <span class="order-n" aria-hidden="true">{i + 1}</span>
              {canWrite ? (
                <button type="button" class="drag-handle" aria-describedby="reorder-help"
                  aria-label={t('type.item_label', { name, pos: i + 1, count: order.length })}
                  onKeyDown={(e) => { const to = keyMove(e.key, e.altKey, i, order.length); if (to != null) { e.preventDefault(); moveTo(i, to); } }}>
                  <span aria-hidden="true">⠿</span>
                </button>
              ) : null}
              <a href={'#/apps?q=' + encodeURIComponent(name)} class="order-name">{name}</a>
              {!known.has(name) && apps.length > 0 && <span class="badge badge-error">{t('type.missing_app')}</span>}
              {canWrite && (
                <span class="order-actions">
                  <button type="button" class="btn btn-small btn-icon" disabled={i === 0} onClick={() => moveTo(i, i - 1)} aria-label={t('type.up', { name })} title={t('type.up', { name })}>↑</button>
                  <button type="button" class="btn btn-small btn-icon" disabled={i === order.length - 1} onClick={() => moveTo(i, i + 1)} aria-label={t('type.down', { name })} title={t('type.down', { name })}>↓</button>
                  <button type="button" class="btn btn-small btn-danger-outline" onClick={() => { setOrder(order.filter((x) => x !== name)); setAnnounce(t('type.removed', { name })); setFocusIdx(null); }}>{t('type.remove')}<span class="visually-hidden"> {name}</span></button>
                </span>
              )}
            </li>
          ))}
        </ol>
      ) : <Empty>{t('type.no_apps')}</Empty>}
      {canWrite && (
        <div class="inline-form">
          <label for="add-app">{t('type.add_app')}</label>
          <select id="add-app" value={add} onChange={(e) => setAdd((e.target as HTMLSelectElement).value)}>
            <option value="">{t('type.choose_app')}</option>
            {available.map((a) => <option key={a.name} value={a.name}>{a.name}{a.enabled === false ? ` (${t('app.disabled')})` : ''}</option>)}
          </select>
          <button type="button" class="btn" disabled={!add} onClick={() => { setOrder([...order, add]); setAnnounce(t('type.added', { name: add })); setAdd(''); }}>{t('type.add')}</button>
        </div>
      )}
      {canWrite && (
        <div class="form-actions">
          <button type="button" class="btn btn-primary" disabled={!dirty} onClick={() => save()}>{t('form.save')}</button>
          <button type="button" class="btn" disabled={!dirty} onClick={() => { setOrder(base); setError(null); setConflict(null); }}>{t('form.revert')}</button>
          {dirty && <span class="muted">{t('form.unsaved')}</span>}
        </div>
      )}
    </section>
  );
}

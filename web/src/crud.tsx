// Generic table pages: a server-paged list (search, sort, paging in the hash query),
// row edit forms with client checks, server field errors, 409 conflicts that keep what
// the user typed, deletes with referrers, CSV import with a dry run, export.
import { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiError, seg } from './api';
import { url } from './base';
import { errorLocation, lineOf, summariseImport, ImportResult } from './csv_diff';
import { t, tk } from './i18n';
import { navigate, Route } from './router';
import { parseState, TableDefaults, TableState, toApiQuery, toSearch, withSearch } from './table_state';
import {
  AsyncBlock, CheckField, ConflictView, Empty, ErrorBox, errorText, Field, fieldError, FormError, invalidText, notify,
  PageHeader, Pager, Referrers, SearchBox, SelectField, SortTh, TextArea, TextField, useAsync, useConfirm,
} from './ui';
import { Invalid, parseIntList, parseLines, parseList, required } from './validate';

export type FieldKind = 'text' | 'textarea' | 'bool' | 'select' | 'list' | 'ints' | 'lines' | 'int' | 'nullint';

export interface FieldDef {
  key: string;
  label: string;
  kind?: FieldKind;
  required?: boolean;
  /** The record's key: read only once created. */
  isKey?: boolean;
  readOnly?: boolean;
  options?: { value: string; label: string }[];
  validate?: (v: any, values: Record<string, any>) => Invalid | null;
  help?: ComponentChildren;
  mono?: boolean;
  placeholder?: string;
  /** Rendered under the control (live checks, previews). */
  extra?: (values: Record<string, any>) => ComponentChildren;
  wide?: boolean;
}

export function toFormValue(f: FieldDef, v: any): any {
  switch (f.kind) {
    case 'bool': return !!v;
    case 'list': return Array.isArray(v) ? v.join('; ') : v ?? '';
    case 'ints': return Array.isArray(v) ? v.join('; ') : v ?? '';
    case 'lines': return Array.isArray(v) ? v.join('\n') : v ?? '';
    case 'int': case 'nullint': return v === null || v === undefined ? '' : String(v);
    default: return v === null || v === undefined ? '' : String(v);
  }
}

export function fromFormValue(f: FieldDef, v: any): any {
  switch (f.kind) {
    case 'bool': return !!v;
    case 'list': return parseList(v);
    case 'ints': return parseIntList(v) ?? [];
    case 'lines': return parseLines(v);
    case 'int': return v === '' ? 0 : Number(v);
    case 'nullint': return v === '' || v === null ? null : Number(v);
    default: return typeof v === 'string' ? v.trim() : v;
  }
}

export function checkField(f: FieldDef, v: any, values: Record<string, any>): Invalid | null {
  if (f.required) { const r = required(v); if (r) return r; }
  if (f.kind === 'ints' && v && parseIntList(v) === null) return { key: 'validate.int_list' };
  if ((f.kind === 'int' || f.kind === 'nullint') && v !== '' && !/^-?\d+$/.test(String(v).trim())) return { key: 'validate.integer' };
  return f.validate ? f.validate(v, values) : null;
}

export interface RecordFormProps {
  table: string;
  keyField: string;
  fields: FieldDef[];
  /** null: create. */
  row: Record<string, any> | null;
  defaults?: Record<string, any>;
  onSaved: (row: any) => void;
  onCancel: () => void;
  title?: string;
  /** Transforms the body before it is sent. */
  prepare?: (body: Record<string, any>) => Record<string, any>;
  readOnly?: boolean;
}

export function RecordForm({ table, keyField, fields, row, defaults, onSaved, onCancel, title, prepare, readOnly }: RecordFormProps) {
  const init = () => {
    const v: Record<string, any> = {};
    for (const f of fields) v[f.key] = toFormValue(f, row ? row[f.key] : defaults?.[f.key]);
    return v;
  };
  const [values, setValues] = useState<Record<string, any>>(init);
  const [version, setVersion] = useState<number | undefined>(row?.version);
  const [errors, setErrors] = useState<Record<string, Invalid | null>>({});
  const [serverError, setServerError] = useState<any>(null);
  const [conflict, setConflict] = useState<Record<string, any> | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: string, v: any) => {
    setValues((cur) => ({ ...cur, [k]: v }));
    if (errors[k]) setErrors((cur) => ({ ...cur, [k]: null }));
  };

  const save = async (ver = version, vals: Record<string, any> = values) => {
    const errs: Record<string, Invalid | null> = {};
    let bad = false;
    for (const f of fields) {
      if (f.readOnly) continue;
      const e = checkField(f, vals[f.key], vals);
      errs[f.key] = e;
      if (e) bad = true;
    }
    setErrors(errs);
    if (bad) {
      const first = fields.find((f) => errs[f.key]);
      setTimeout(() => (document.querySelector('.record-form [aria-invalid="true"]') as HTMLElement | null)?.focus(), 0);
      if (first) return;
    }
    let body: Record<string, any> = {};
    for (const f of fields) if (!f.readOnly) body[f.key] = fromFormValue(f, vals[f.key]);
    if (row) body.version = ver;
    if (prepare) body = prepare(body);
    setBusy(true); setServerError(null);
    try {
      const saved = row
        ? await api.put(`/api/v1/admin/${table}/${seg(row[keyField])}`, body)
        : await api.post(`/api/v1/admin/${table}`, body);
      setConflict(null);
      notify(t('form.saved'));
      onSaved(saved);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.current) setConflict(e.current);
      setServerError(e);
    } finally { setBusy(false); }
  };

  const shown = fields.map((f) => f.key);
  return (
    <form class="record-form" onSubmit={(e) => { e.preventDefault(); save(); }} noValidate aria-label={title}>
      {title && <h2>{title}</h2>}
      {conflict && (
        <ConflictView mine={Object.fromEntries(fields.map((f) => [f.key, fromFormValue(f, values[f.key])]))} current={conflict}
          fields={fields.map((f) => ({ key: f.key, label: f.label }))}
          changed={fields.filter((f) => !f.readOnly && JSON.stringify(fromFormValue(f, values[f.key])) !== JSON.stringify(fromFormValue(f, toFormValue(f, row?.[f.key])))).map((f) => f.key)}
          onKeepMine={() => {
            // Only the fields this user changed go over theirs; the others take the saved values.
            const merged: Record<string, any> = {};
            for (const f of fields) {
              const mine = fromFormValue(f, values[f.key]);
              const orig = fromFormValue(f, toFormValue(f, row?.[f.key]));
              merged[f.key] = !f.readOnly && JSON.stringify(mine) !== JSON.stringify(orig) ? values[f.key] : toFormValue(f, conflict[f.key]);
            }
            setValues(merged); setVersion(conflict.version); save(conflict.version, merged);
          }}
          onTakeTheirs={() => {
            const v: Record<string, any> = {};
            for (const f of fields) v[f.key] = toFormValue(f, conflict[f.key]);
            setValues(v); setVersion(conflict.version); setConflict(null); setServerError(null);
          }} />
      )}
      <div class="form-grid">
        {fields.map((f) => {
          const err = errors[f.key] || fieldError(serverError, f.key);
          const disabled = readOnly || f.readOnly || (f.isKey && !!row);
          const cls = f.wide || f.kind === 'textarea' || f.kind === 'lines' ? 'wide' : '';
          let ctl;
          if (f.kind === 'bool') ctl = <CheckField label={f.label} checked={values[f.key]} onChange={(v) => set(f.key, v)} help={f.help} disabled={disabled} error={err} />;
          else if (f.kind === 'select') ctl = <SelectField label={f.label} value={values[f.key]} onChange={(v) => set(f.key, v)} options={f.options || []} error={err} help={f.help} required={f.required} disabled={disabled} />;
          else if (f.kind === 'textarea' || f.kind === 'lines') ctl = <TextArea label={f.label} value={values[f.key]} onInput={(v) => set(f.key, v)} error={err} help={f.help} mono={f.mono || f.kind === 'lines'} disabled={disabled} rows={f.kind === 'lines' ? 3 : 2} />;
          else ctl = <TextField label={f.label} value={values[f.key]} onInput={(v) => set(f.key, v)} error={err} help={f.help} required={f.required} mono={f.mono} disabled={disabled} placeholder={f.placeholder} inputMode={f.kind === 'int' || f.kind === 'nullint' ? 'numeric' : undefined} />;
          return <div class={'form-cell ' + cls} key={f.key}>{ctl}{f.extra && f.extra(values)}</div>;
        })}
      </div>
      <FormError error={serverError} shownFields={shown} />
      {!readOnly && (
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? t('form.saving') : row ? t('form.save') : t('form.create')}</button>
          <button type="button" class="btn" onClick={onCancel}>{t('common.cancel')}</button>
        </div>
      )}
      {readOnly && <div class="form-actions"><button type="button" class="btn" onClick={onCancel}>{t('common.close')}</button></div>}
    </form>
  );
}

export interface Column { key: string; label: string; sortable?: boolean; render?: (row: any) => ComponentChildren; class?: string }

export interface CrudPageProps {
  route: Route;
  path: string;
  table: string;
  title: string;
  intro?: ComponentChildren;
  keyField: string;
  columns: Column[];
  fields: FieldDef[];
  canWrite: boolean;
  defaults?: TableDefaults;
  newDefaults?: Record<string, any>;
  importable?: boolean;
  searchLabel?: string;
  prepare?: (body: Record<string, any>) => Record<string, any>;
  rowActions?: (row: any, reload: () => void) => ComponentChildren;
  deleteName?: (row: any) => string;
  headerExtra?: ComponentChildren;
}

export function CrudPage(p: CrudPageProps) {
  const defaults = p.defaults || { sort: p.keyField, limit: 50 };
  const state = parseState(p.route.query, defaults);
  const set = (s: TableState) => navigate(p.path, toSearch(s, defaults));
  const list = useAsync<{ total: number; items: any[] }>((sig) => api.get(`/api/v1/admin/${p.table}`, toApiQuery(state), sig), [p.table, toSearch(state, defaults)]);
  const [editing, setEditing] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [showImport, setShowImport] = useState(false);
  const [delError, setDelError] = useState<{ key: string; error: any } | null>(null);
  const [confirmEl, ask] = useConfirm();

  const del = async (row: any) => {
    const key = String(row[p.keyField]);
    if (!(await ask(t('crud.delete_confirm', { name: p.deleteName ? p.deleteName(row) : key }), t('common.delete')))) return;
    setDelError(null);
    try {
      await api.del(`/api/v1/admin/${p.table}/${seg(key)}`, { version: row.version });
      notify(t('crud.deleted', { name: key }));
      list.reload();
    } catch (e) { setDelError({ key, error: e }); }
  };

  const colCount = p.columns.length + 1;
  return (
    <div>
      {confirmEl}
      <PageHeader title={p.title} actions={<>
        {p.headerExtra}
        {p.importable && <a class="btn" href={url(`/api/v1/admin/export/${p.table}.csv`)} download={`${p.table}.csv`}>{t('crud.export')}</a>}
        {p.importable && p.canWrite && <button type="button" class="btn" aria-expanded={showImport} onClick={() => setShowImport(!showImport)}>{t('crud.import')}</button>}
        {p.canWrite && <button type="button" class="btn btn-primary" onClick={() => { setCreating(true); setEditing(null); }}>{t('crud.new')}</button>}
      </>}>{p.intro}</PageHeader>
      {showImport && <ImportPanel table={p.table} keyField={p.keyField} onDone={() => { setShowImport(false); list.reload(); }} onClose={() => setShowImport(false)} />}
      {creating && (
        <section class="panel">
          <RecordForm table={p.table} keyField={p.keyField} fields={p.fields} row={null} defaults={p.newDefaults} title={t('crud.new_title')} prepare={p.prepare}
            onSaved={() => { setCreating(false); list.reload(); }} onCancel={() => setCreating(false)} />
        </section>
      )}
      <div class="toolbar">
        <SearchBox value={state.q} onSearch={(q) => set(withSearch(state, q))} label={p.searchLabel || t('common.search')} />
      </div>
      {delError && (
        <div class="alert alert-error" role="alert">
          <strong>{t('crud.delete_failed', { name: delError.key })}</strong>
          <p>{errorText(delError.error)}</p>
          <Referrers error={delError.error} />
          <button type="button" class="btn btn-small" onClick={() => setDelError(null)}>{t('common.dismiss')}</button>
        </div>
      )}
      <AsyncBlock a={list} what={p.title}>
        {(d) => d.items.length ? (
          <>
            <table class="table">
              <caption class="visually-hidden">{p.title}</caption>
              <thead><tr>
                {p.columns.map((c) => c.sortable === false
                  ? <th key={c.key} scope="col" class={c.class}>{c.label}</th>
                  : <SortTh key={c.key} field={c.key} label={c.label} state={state} onChange={set} class={c.class} />)}
                <th scope="col" class="actions-col"><span class="visually-hidden">{t('common.actions')}</span></th>
              </tr></thead>
              <tbody>
                {d.items.map((row) => {
                  const key = String(row[p.keyField]);
                  const open = editing === key;
                  return [
                    <tr key={key} class={open ? 'editing' : ''}>
                      {p.columns.map((c, i) => i === 0
                        ? <th key={c.key} scope="row" class={c.class}>{c.render ? c.render(row) : String(row[c.key] ?? '')}</th>
                        : <td key={c.key} class={c.class}>{c.render ? c.render(row) : fmtCell(row[c.key])}</td>)}
                      <td class="actions-col">
                        <div class="row-actions">
                          {p.rowActions && p.rowActions(row, list.reload)}
                          <button type="button" class="btn btn-small" aria-expanded={open} onClick={() => { setEditing(open ? null : key); setCreating(false); }}>
                            {p.canWrite ? t('common.edit') : t('common.details')}<span class="visually-hidden"> {key}</span>
                          </button>
                          {p.canWrite && <button type="button" class="btn btn-small btn-danger-outline" onClick={() => del(row)}>{t('common.delete')}<span class="visually-hidden"> {key}</span></button>}
                        </div>
                      </td>
                    </tr>,
                    open && (
                      <tr key={key + '-edit'} class="edit-row">
                        <td colSpan={colCount}>
                          <RecordForm table={p.table} keyField={p.keyField} fields={p.fields} row={row} title={t('crud.edit_title', { name: key })} prepare={p.prepare} readOnly={!p.canWrite}
                            onSaved={(saved) => { setEditing(null); if (saved && typeof saved === 'object') list.setData({ ...d, items: d.items.map((x) => (String(x[p.keyField]) === key ? saved : x)) }); else list.reload(); }}
                            onCancel={() => setEditing(null)} />
                        </td>
                      </tr>
                    ),
                  ];
                })}
              </tbody>
            </table>
            <Pager state={state} total={d.total} shown={d.items.length} onChange={set} />
          </>
        ) : <Empty>{state.q ? t('crud.none_match', { q: state.q }) : t('crud.none')}</Empty>}
      </AsyncBlock>
    </div>
  );
}

export function fmtCell(v: any): ComponentChildren {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (Array.isArray(v)) return v.join('; ');
  return String(v);
}

export function ImportPanel({ table, keyField, onDone, onClose }: { table: string; keyField: string; onDone: () => void; onClose: () => void }) {
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [mode, setMode] = useState<'merge' | 'replace'>('merge');
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<any>(null);
  const [busy, setBusy] = useState(false);
  const run = async (dry: boolean) => {
    if (!file) return;
    setBusy(true); setError(null);
    try {
      const r = await api.post<ImportResult>('/api/v1/admin/import', { table, csv: file.text, file: file.name, mode, dry_run: dry });
      setResult(r);
      if (!dry) { notify(t('import.applied')); onDone(); }
    } catch (e) {
      if (e instanceof ApiError && e.problem && Array.isArray(e.problem.errors)) setResult(e.problem);
      else { setResult(null); setError(e); }
    } finally { setBusy(false); }
  };
  const sum = result ? summariseImport(result, { [table]: keyField }) : null;
  return (
    <section class="panel import-panel" aria-labelledby="h-import">
      <h2 id="h-import">{t('import.title')}</h2>
      <p class="muted">{t('import.intro')}</p>
      <div class="import-controls">
        <Field label={t('import.file')}>
          {(id, d) => <input id={id} type="file" accept=".csv,text/csv" aria-describedby={d} onChange={async (e) => {
            const f = (e.target as HTMLInputElement).files?.[0];
            setResult(null); setError(null);
            setFile(f ? { name: f.name, text: await f.text() } : null);
          }} />}
        </Field>
        <fieldset class="radio-group">
          <legend>{t('import.mode')}</legend>
          <label><input type="radio" name="import-mode" checked={mode === 'merge'} onChange={() => { setMode('merge'); setResult(null); }} /> {t('import.merge')}</label>
          <label><input type="radio" name="import-mode" checked={mode === 'replace'} onChange={() => { setMode('replace'); setResult(null); }} /> {t('import.replace')}</label>
        </fieldset>
        <button type="button" class="btn btn-primary" disabled={!file || busy} onClick={() => run(true)}>{t('import.check')}</button>
        <button type="button" class="btn" onClick={onClose}>{t('common.close')}</button>
      </div>
      {error && (error instanceof ApiError && error.status === 404 ? <ErrorBox error={error} what={t('import.title')} /> : <FormError error={error} />)}
      {sum && (
        <div class="import-result" aria-live="polite">
          {sum.errors.length > 0 ? (
            <div class="alert alert-error" role="alert">
              <strong>{t('import.errors', { n: sum.errors.length })}</strong>
              <ul class="import-errors">
                {sum.errors.map((e, i) => {
                  const line = file ? lineOf(file.text, e.line) : null;
                  return (
                    <li key={i}>
                      <code>{errorLocation(e) || file?.name}</code> {e.message}
                      {line != null && <pre class="csv-line">{line}{'\n'}{e.column ? ' '.repeat(Math.max(0, e.column - 1)) + '^' : ''}</pre>}
                    </li>
                  );
                })}
              </ul>
              <p>{t('import.nothing_applied')}</p>
            </div>
          ) : sum.empty ? <p class="alert alert-ok">{t('import.no_change')}</p> : (
            <>
              <p><strong>{t('import.summary', { added: sum.added, changed: sum.changed, removed: sum.removed })}</strong></p>
              <table class="table compact diff">
                <caption class="visually-hidden">{t('import.title')}</caption>
                <thead><tr><th scope="col">{t('import.change')}</th><th scope="col">{t('import.key')}</th><th scope="col">{t('import.fields')}</th></tr></thead>
                <tbody>
                  {sum.rows.slice(0, 500).map((r, i) => (
                    <tr key={i} class={'diff-' + r.kind}>
                      <td><span class={'badge badge-diff-' + r.kind}>{tk('import.kind', r.kind)}</span></td>
                      <th scope="row" class="mono">{r.key}</th>
                      <td>{r.kind === 'changed'
                        ? <ul class="changes">{r.fields.map((f) => <li key={f.column}><strong>{f.column}</strong>: <del>{f.before || '∅'}</del> → <ins>{f.after || '∅'}</ins></li>)}</ul>
                        : r.kind === 'added' ? <span class="small">{r.fields.filter((f) => f.after).map((f) => `${f.column}=${f.after}`).join(', ')}</span> : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {sum.rows.length > 500 && <p class="muted">{t('common.and_more', { n: sum.rows.length - 500 })}</p>}
              {!sum.applied && <button type="button" class="btn btn-primary" disabled={busy} onClick={() => run(false)}>{t('import.apply')}</button>}
            </>
          )}
        </div>
      )}
    </section>
  );
}

export { invalidText };

import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, tk } from '../i18n';
import { navigate, Route } from '../router';
import { normaliseKind } from '../source';
import { AsyncBlock, Empty, KindBadge, PageHeader, SourceText, TextField, useAsync, Yes } from '../ui';

function Val({ v }: { v: { value: string | null; source: string } | null | undefined }) {
  if (!v) return <span class="muted">–</span>;
  return <>{v.value || <span class="muted">{t('common.none_option')}</span>} <span class="badge badge-src">{tk('preview.src', v.source)}</span></>;
}

export function PreviewPage({ route }: { route: Route }) {
  const q = { serial: route.query.get('serial') || '', model: route.query.get('model') || '', os: route.query.get('os') || '' };
  const [form, setForm] = useState(q);
  const has = !!(q.serial || q.model || q.os);
  const a = useAsync<any>((s) => (has ? api.get('/api/v1/admin/preview', q, s) : Promise.resolve(null)), [q.serial, q.model, q.os]);
  return (
    <div>
      <PageHeader title={t('nav.preview')}>{t('preview.intro')}</PageHeader>
      <form class="inline-form panel" onSubmit={(e) => { e.preventDefault(); navigate('/preview', form); }} noValidate>
        <TextField label={t('dep.serial')} value={form.serial} onInput={(v) => setForm({ ...form, serial: v })} mono />
        <TextField label={t('dep.model')} value={form.model} onInput={(v) => setForm({ ...form, model: v })} placeholder="Latitude 5420" />
        <TextField label={t('preview.os')} value={form.os} onInput={(v) => setForm({ ...form, os: v })} placeholder="Microsoft Windows 11 Enterprise" />
        <button type="submit" class="btn btn-primary">{t('preview.run')}</button>
      </form>
      {!has && <Empty>{t('preview.empty')}</Empty>}
      {has && <AsyncBlock a={a}>{(d) => d && <Plan p={d.plan} />}</AsyncBlock>}
    </div>
  );
}

function Plan({ p }: { p: any }) {
  return (
    <>
      {p.needs_confirmation && <div class="alert alert-warn" role="status"><strong>{t('preview.unknown')}</strong><p>{t('preview.unknown_text', { name: p.choices?.suggested_name || '–' })}</p></div>}
      {p.name_violation && <div class="alert alert-warn" role="status">{p.name_violation}</div>}
      {p.hardware && !p.hardware.allowed && <div class="alert alert-error" role="status"><strong>{t('preview.hw_refused')}</strong> {p.hardware.reason}</div>}
      <div class="grid-2">
        <section class="panel">
          <h2>{t('preview.identity')}</h2>
          <dl class="props">
            <dt>{t('computer.name')}</dt><dd><strong>{p.computer_name || '–'}</strong> <span class="badge badge-src">{tk('preview.src', p.name_source)}</span></dd>
            <dt>{t('computer.type')}</dt><dd><Val v={p.type} /></dd>
            <dt>{t('computer.country')}</dt><dd><Val v={p.country} /></dd>
            <dt>{t('computer.language')}</dt><dd><Val v={p.language} /></dd>
            <dt>{t('computer.keyboard')}</dt><dd><Val v={p.keyboard} /></dd>
            <dt>{t('computer.timezone')}</dt><dd><Val v={p.timezone} /></dd>
            <dt>{t('preview.matched_by')}</dt><dd>{p.identity ? p.identity.reason : '–'}</dd>
          </dl>
        </section>
        <section class="panel">
          <h2>{t('preview.bundle_hw')}</h2>
          <dl class="props">
            <dt>{t('driver.bundle_id')}</dt><dd><strong>{p.bundle?.id ?? '–'}</strong> {p.bundle && <span class="badge badge-src">{tk('bundle.source', p.bundle.source)}</span>}</dd>
            <dt>{t('bundle.timeout')}</dt><dd>{p.bundle?.timeout ?? '–'}</dd>
            <dt>{t('preview.why')}</dt><dd>{p.bundle?.reason}</dd>
            <dt>{t('preview.hardware')}</dt><dd><Yes v={p.hardware?.allowed} /> {p.hardware?.reason}</dd>
            <dt>{t('preview.tags')}</dt><dd>{(p.tags || []).map((x: string) => <span key={x} class="tag">{x}</span>)}</dd>
          </dl>
        </section>
      </div>
      <section class="panel">
        <h2>{t('preview.apps', { n: (p.apps || []).length })}</h2>
        {(p.apps || []).length ? (
          <table class="table compact">
            <caption class="visually-hidden">{t('nav.apps')}</caption>
            <thead><tr><th scope="col">#</th><th scope="col">{t('app.name')}</th><th scope="col">{t('app.source')}</th><th scope="col">{t('preview.command')}</th><th scope="col">{t('app.reboot')}</th><th scope="col">{t('preview.unknown_vars')}</th></tr></thead>
            <tbody>{p.apps.map((x: any) => (
              <tr key={x.name}><td class="num">{x.order}</td><th scope="row">{x.name}</th><td><KindBadge kind={normaliseKind(x.source_kind)} /> <SourceText url={x.path || x.url} /></td><td class="mono small">{x.install_command}</td><td><Yes v={x.reboot} /></td><td>{(x.unknown_variables || []).map((v: string) => <code key={v} class="var">%{v}%</code>)}</td></tr>
            ))}</tbody>
          </table>
        ) : <Empty>{t('preview.no_apps')}</Empty>}
      </section>
      <section class="panel">
        <h2>{t('preview.drivers', { n: (p.drivers || []).length })}</h2>
        {(p.drivers || []).length ? (
          <table class="table compact">
            <caption class="visually-hidden">{t('nav.drivers')}</caption>
            <thead><tr><th scope="col">{t('driver.id')}</th><th scope="col">{t('driver.priority')}</th><th scope="col">{t('app.source')}</th><th scope="col">{t('driver.bundle_id')}</th></tr></thead>
            <tbody>{p.drivers.map((x: any) => (
              <tr key={x.rule_id}><th scope="row">{x.rule_id}</th><td class="num">{x.priority}</td><td>{x.url ? <><KindBadge kind={normaliseKind(x.source_kind)} /> <SourceText url={x.path || x.url} /></> : <span class="muted">{t('source.kind.none')}</span>}</td><td>{x.bundle_id ?? ''}</td></tr>
            ))}</tbody>
          </table>
        ) : <Empty>{t('preview.no_drivers')}</Empty>}
      </section>
      {p.explain && (
        <section class="panel">
          <h2>{t('preview.explain')}</h2>
          <table class="table compact">
            <caption class="visually-hidden">{t('preview.explain')}</caption>
            <thead><tr><th scope="col">{t('preview.rule')}</th><th scope="col">{t('preview.subject')}</th><th scope="col">{t('preview.matched')}</th><th scope="col">{t('preview.reason')}</th></tr></thead>
            <tbody>{p.explain.map((e: any, i: number) => (
              <tr key={i} class={e.matched ? '' : 'dim'}><th scope="row" class="mono small">{e.rule}</th><td>{e.subject}</td><td><Yes v={e.matched} /></td><td>{e.reason}</td></tr>
            ))}</tbody>
          </table>
        </section>
      )}
    </>
  );
}

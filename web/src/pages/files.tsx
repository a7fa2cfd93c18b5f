import { useRef, useState } from 'preact/hooks';
import { api, ApiError, seg, uploadFile } from '../api';
import { url } from '../base';
import { formatBytes, formatDateTime } from '../format';
import { t } from '../i18n';
import { mayWriteFile } from '../roles';
import { Route } from '../router';
import { AsyncBlock, Dialog, Empty, errorText, notify, PageHeader, useAsync, useConfirm, useSession } from '../ui';

interface Entry { name: string; type: 'file' | 'folder'; size: number | null; mtime: string; sha256: string | null; href: string; builtin?: boolean }
interface Upload { name: string; loaded: number; total: number; error?: string; done?: boolean; abort?: () => void }

function FolderIcon() {
  return <svg class="icon" aria-hidden="true" viewBox="0 0 16 16" width="16" height="16"><path d="M1 3h5l1.5 1.5H15V13H1z" fill="currentColor" opacity=".85" /></svg>;
}
function FileIcon() {
  return <svg class="icon" aria-hidden="true" viewBox="0 0 16 16" width="16" height="16"><path d="M3 1h6l4 4v10H3z" fill="none" stroke="currentColor" stroke-width="1.3" /><path d="M9 1v4h4" fill="none" stroke="currentColor" stroke-width="1.3" /></svg>;
}

export function joinPath(dir: string, name: string): string {
  return [dir, name].filter(Boolean).join('/').replace(/\/+/g, '/').replace(/^\//, '');
}
const enc = (p: string) => p.split('/').filter(Boolean).map(seg).join('/');

export function FilesPage({ route }: { route: Route }) {
  const session = useSession();
  const dir = route.parts.slice(1).join('/');
  const a = useAsync<{ path: string; entries: Entry[] }>((s) => api.get('/api/v1/admin/files' + (dir ? '/' + enc(dir) : ''), undefined, s), [dir]);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [confirmEl, ask] = useConfirm();
  const [rename, setRename] = useState<{ from: string; to: string; error?: string } | null>(null);
  const [mkdir, setMkdir] = useState<{ name: string; error?: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const replaceInput = useRef<HTMLInputElement>(null);
  const [replaceTarget, setReplaceTarget] = useState<string | null>(null);
  const canHere = mayWriteFile(session.role, joinPath(dir, 'x'));

  const upload = async (files: FileList | File[], target?: string) => {
    const existing = new Set((a.data?.entries || []).map((e) => e.name));
    for (const f of Array.from(files)) {
      const path = target || joinPath(dir, f.name);
      const name = path.split('/').pop()!;
      if (!target && existing.has(name) && !(await ask(t('files.replace_confirm', { name }), t('files.replace'), false))) continue;
      const h = uploadFile(path, f, {
        overwrite: true,
        onProgress: (loaded, total) => setUploads((u) => u.map((x) => (x.name === path ? { ...x, loaded, total } : x))),
      });
      setUploads((u) => [...u.filter((x) => x.name !== path), { name: path, loaded: 0, total: f.size, abort: h.abort }]);
      try {
        await h.promise;
        setUploads((u) => u.map((x) => (x.name === path ? { ...x, loaded: x.total, done: true } : x)));
        notify(t('files.uploaded', { name }));
      } catch (e) {
        setUploads((u) => u.map((x) => (x.name === path ? { ...x, error: errorText(e) } : x)));
      }
      a.reload();
    }
  };
  const del = async (e: Entry) => {
    const p = joinPath(dir, e.name);
    if (!(await ask(t(e.type === 'folder' ? 'files.delete_folder_confirm' : 'files.delete_confirm', { name: p }), t('common.delete')))) return;
    try { await api.del('/api/v1/admin/files/' + enc(p)); a.reload(); }
    catch (err) {
      if (err instanceof ApiError && err.status === 409 && e.type === 'folder') {
        if (await ask(t('files.delete_recursive_confirm', { name: p }), t('files.delete_all'))) {
          try { await api.del('/api/v1/admin/files/' + enc(p), { recursive: 1 }); a.reload(); } catch (e2) { notify(errorText(e2), 'error'); }
        }
      } else notify(errorText(err), 'error');
    }
  };
  const doRename = async (ev: Event) => {
    ev.preventDefault();
    if (!rename) return;
    const to = rename.to.trim().replace(/^\/+/, '');
    if (!to) { setRename({ ...rename, error: t('validate.required') }); return; }
    try { await api.post('/api/v1/admin/files/rename', { from: rename.from, to, overwrite: false }); setRename(null); a.reload(); }
    catch (e) { setRename({ ...rename, error: errorText(e) }); }
  };
  const doMkdir = async (ev: Event) => {
    ev.preventDefault();
    if (!mkdir) return;
    if (!mkdir.name.trim()) { setMkdir({ ...mkdir, error: t('validate.required') }); return; }
    try { await api.post('/api/v1/admin/files/mkdir', { path: joinPath(dir, mkdir.name.trim()) }); setMkdir(null); a.reload(); }
    catch (e) { setMkdir({ ...mkdir, error: errorText(e) }); }
  };
  const crumbs = dir ? dir.split('/') : [];
  return (
    <div>
      {confirmEl}
      <PageHeader title={t('nav.files')} actions={canHere ? <>
        <button type="button" class="btn" onClick={() => setMkdir({ name: '' })}>{t('files.mkdir')}</button>
        <button type="button" class="btn btn-primary" onClick={() => fileInput.current?.click()}>{t('files.upload')}</button>
      </> : undefined}>{t('files.intro')}</PageHeader>
      <input ref={fileInput} type="file" multiple class="visually-hidden" tabIndex={-1} aria-hidden="true" onChange={(e) => { const f = (e.target as HTMLInputElement).files; if (f) upload(f); (e.target as HTMLInputElement).value = ''; }} />
      <input ref={replaceInput} type="file" class="visually-hidden" tabIndex={-1} aria-hidden="true" onChange={(e) => { const f = (e.target as HTMLInputElement).files; if (f && f[0] && replaceTarget) upload([f[0]], replaceTarget); (e.target as HTMLInputElement).value = ''; }} />
      <nav aria-label={t('files.path')} class="breadcrumb">
        <ol>
          <li><a href="#/files">{t('files.root')}</a></li>
          {crumbs.map((c, i) => <li key={i}><a href={'#/files/' + crumbs.slice(0, i + 1).map(encodeURIComponent).join('/')} aria-current={i === crumbs.length - 1 ? 'page' : undefined}>{c}</a></li>)}
        </ol>
      </nav>
      {!canHere && <p class="muted small">{t('files.read_only_here')}</p>}
      {uploads.length > 0 && (
        <section class="panel uploads" aria-label={t('files.uploads')}>
          <ul>{uploads.map((u) => (
            <li key={u.name}>
              <span class="mono">{u.name}</span>
              <progress max={u.total || 1} value={u.loaded} aria-label={t('files.upload_of', { name: u.name })} />
              <span class="small">{formatBytes(u.loaded)} / {formatBytes(u.total)}</span>
              {u.error ? <span class="field-error">{u.error}</span> : u.done ? <span class="yes">{t('files.done')}</span> : <button type="button" class="btn btn-small" onClick={() => u.abort && u.abort()}>{t('common.cancel')}</button>}
            </li>
          ))}</ul>
          <button type="button" class="btn btn-small" onClick={() => setUploads(uploads.filter((u) => !u.done && !u.error))}>{t('files.clear_done')}</button>
        </section>
      )}
      <AsyncBlock a={a}>
        {(d) => (
          <div class="dropzone" onDragOver={(e) => { if (canHere) e.preventDefault(); }} onDrop={(e) => { if (!canHere) return; e.preventDefault(); if (e.dataTransfer?.files.length) upload(e.dataTransfer.files); }}>
            {d.entries.length ? (
              <table class="table">
                <caption class="visually-hidden">{t('files.listing', { path: '/' + dir })}</caption>
                <thead><tr><th scope="col">{t('files.name')}</th><th scope="col" class="num">{t('files.size')}</th><th scope="col">{t('files.modified')}</th><th scope="col">SHA-256</th><th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th></tr></thead>
                <tbody>
                  {dir && <tr><td colSpan={5}><a href={'#/files' + (crumbs.length > 1 ? '/' + crumbs.slice(0, -1).map(encodeURIComponent).join('/') : '')}>↑ {t('files.parent')}</a></td></tr>}
                  {d.entries.map((e) => {
                    const p = joinPath(dir, e.name);
                    const w = mayWriteFile(session.role, p);
                    return (
                      <tr key={e.name}>
                        <th scope="row">{e.type === 'folder'
                          ? <a href={'#/files/' + p.split('/').map(encodeURIComponent).join('/')}><FolderIcon />{e.name}/</a>
                          : <a href={url('/file/raw/' + enc(p))} download={e.name}><FileIcon />{e.name}</a>}
                          {e.builtin && <> <span class="badge" title={t('files.builtin_help')}>{t('files.builtin')}</span></>}</th>
                        <td class="num" title={e.size != null ? String(e.size) : ''}>{e.size != null ? formatBytes(e.size) : ''}</td>
                        <td>{formatDateTime(e.mtime)}</td>
                        <td class="mono small hash" title={e.sha256 || ''}>{e.type === 'file' ? (e.sha256 ? e.sha256.slice(0, 16) + '…' : t('files.computing')) : ''}</td>
                        <td>{w && <div class="row-actions">
                          {e.type === 'file' && <button type="button" class="btn btn-small" onClick={() => { setReplaceTarget(p); replaceInput.current?.click(); }}>{t('files.replace')}<span class="visually-hidden"> {e.name}</span></button>}
                          {!e.builtin && <button type="button" class="btn btn-small" onClick={() => setRename({ from: p, to: p })}>{t('files.rename')}<span class="visually-hidden"> {e.name}</span></button>}
                          {!e.builtin && <button type="button" class="btn btn-small btn-danger-outline" onClick={() => del(e)}>{t('common.delete')}<span class="visually-hidden"> {e.name}</span></button>}
                        </div>}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            ) : <Empty>{t('files.empty')}</Empty>}
            {canHere && <p class="muted small">{t('files.drop_help')}</p>}
          </div>
        )}
      </AsyncBlock>
      <Dialog open={!!rename} title={t('files.rename_title')} onClose={() => setRename(null)}>
        {rename && (
          <form onSubmit={doRename} noValidate>
            <p>{t('files.rename_from', { from: rename.from })}</p>
            <label for="rename-to">{t('files.rename_to')}</label>
            <input id="rename-to" type="text" class="mono wide-input" value={rename.to} onInput={(e) => setRename({ ...rename, to: (e.target as HTMLInputElement).value, error: undefined })} />
            {rename.error && <div class="field-error" role="alert">{rename.error}</div>}
            <div class="dialog-actions"><button type="button" class="btn" onClick={() => setRename(null)}>{t('common.cancel')}</button><button type="submit" class="btn btn-primary">{t('files.rename')}</button></div>
          </form>
        )}
      </Dialog>
      <Dialog open={!!mkdir} title={t('files.mkdir')} onClose={() => setMkdir(null)}>
        {mkdir && (
          <form onSubmit={doMkdir} noValidate>
            <label for="mkdir-name">{t('files.folder_name', { dir: '/' + dir })}</label>
            <input id="mkdir-name" type="text" class="mono wide-input" value={mkdir.name} onInput={(e) => setMkdir({ name: (e.target as HTMLInputElement).value })} />
            {mkdir.error && <div class="field-error" role="alert">{mkdir.error}</div>}
            <div class="dialog-actions"><button type="button" class="btn" onClick={() => setMkdir(null)}>{t('common.cancel')}</button><button type="submit" class="btn btn-primary">{t('files.create')}</button></div>
          </form>
        )}
      </Dialog>
    </div>
  );
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { url } from '../base';
import { t } from '../i18n';
import { ErrorBox, Loading, PageHeader } from '../ui';

export function DocsPage() {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<any>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let cancelled = false;
    // Check the spec first: a 404 gets the page's error state, not RapiDoc's.
    api.get('/api/v1/openapi.json').then(async (spec) => {
      const mod = await import('./docs_view');
      if (!cancelled && ref.current) { mod.mount(ref.current, spec, url('')); setLoading(false); }
    }).catch((e) => { if (!cancelled) { setError(e); setLoading(false); } });
    return () => { cancelled = true; };
  }, []);
  return (
    <div>
      <PageHeader title={t('nav.docs')} actions={<a class="btn" href={url('/api/v1/openapi.json')} download="openapi.json">{t('docs.download')}</a>}>{t('docs.intro')}</PageHeader>
      {error && <ErrorBox error={error} what="/api/v1/openapi.json" />}
      {loading && !error && <Loading />}
      <div ref={ref} class="docs-host" />
    </div>
  );
}

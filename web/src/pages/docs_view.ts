// Loaded on demand (its own chunk): RapiDoc renders the OpenAPI document.
import 'rapidoc';

export function mount(host: HTMLElement, spec: unknown, serverUrl: string): void {
  host.textContent = '';
  const el = document.createElement('rapi-doc') as HTMLElement & { loadSpec?: (s: unknown) => void };
  const dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
  const attrs: Record<string, string> = {
    'load-fonts': 'false',
    'render-style': 'view',
    'show-header': 'false',
    'allow-try': 'false',
    'allow-authentication': 'false',
    'allow-server-selection': 'false',
    'allow-spec-url-load': 'false',
    'allow-spec-file-load': 'false',
    'show-info': 'true',
    'schema-style': 'table',
    'regular-font': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    'mono-font': 'ui-monospace, "Cascadia Mono", Consolas, monospace',
    theme: dark ? 'dark' : 'light',
    'bg-color': dark ? '#1b1d21' : '#ffffff',
    'primary-color': dark ? '#73bcf7' : '#0066cc',
    'server-url': serverUrl || '/',
    'default-api-server': serverUrl || '/',
  };
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.style.height = '75vh';
  el.style.width = '100%';
  host.appendChild(el);
  const load = () => { if (typeof el.loadSpec === 'function') el.loadSpec(spec); };
  customElements.whenDefined('rapi-doc').then(() => setTimeout(load, 0));
}

import './styles.css';
import 'uplot/dist/uPlot.min.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, setCsrf, setUnauthorizedHandler } from './api';
import { onLangChange, lang, setLang, t } from './i18n';
import { live } from './events';
import { parseHash, Route } from './router';
import { atLeast, Role } from './roles';
import { ErrorBox, Loading, Notices, Session, SessionContext, LiveDot } from './ui';
import { LoginPage } from './pages/login';
import { DashboardPage } from './pages/dashboard';
import { DeploymentsPage, DeploymentDetailPage } from './pages/deployments';
import { ComputersPage } from './pages/computers';
import { TypesPage } from './pages/types';
import { AppsPage } from './pages/apps';
import { DriversPage } from './pages/drivers';
import { BundlesPage } from './pages/bundles';
import { PreviewPage } from './pages/preview';
import { PendingPage } from './pages/pending';
import { LocalesPage } from './pages/locales';
import { SettingsPage } from './pages/settings';
import { NetworksPage } from './pages/networks';
import { FilesPage } from './pages/files';
import { UsersPage } from './pages/users';
import { EndpointKeysPage } from './pages/keys';
import { AuditPage } from './pages/audit';
import { AccountPage } from './pages/account';
import { TlsPage } from './pages/tls';
import { DocsPage } from './pages/docs';

interface PageDef { path: string; title: string; min: Role; group: string; component: (p: { route: Route }) => any; nav?: boolean }

export const PAGES: PageDef[] = [
  { path: '/', title: 'nav.dashboard', min: 'viewer', group: 'nav.group.monitor', component: DashboardPage },
  { path: '/deployments', title: 'nav.deployments', min: 'viewer', group: 'nav.group.monitor', component: DeploymentsPage },
  { path: '/pending', title: 'nav.pending', min: 'viewer', group: 'nav.group.monitor', component: PendingPage },
  { path: '/computers', title: 'nav.computers', min: 'viewer', group: 'nav.group.tables', component: ComputersPage },
  { path: '/types', title: 'nav.types', min: 'viewer', group: 'nav.group.tables', component: TypesPage },
  { path: '/apps', title: 'nav.apps', min: 'viewer', group: 'nav.group.tables', component: AppsPage },
  { path: '/drivers', title: 'nav.drivers', min: 'viewer', group: 'nav.group.tables', component: DriversPage },
  { path: '/bundles', title: 'nav.bundles', min: 'viewer', group: 'nav.group.tables', component: BundlesPage },
  { path: '/locales', title: 'nav.locales', min: 'viewer', group: 'nav.group.tables', component: LocalesPage },
  { path: '/preview', title: 'nav.preview', min: 'viewer', group: 'nav.group.tables', component: PreviewPage },
  { path: '/files', title: 'nav.files', min: 'viewer', group: 'nav.group.content', component: FilesPage },
  { path: '/settings', title: 'nav.settings', min: 'viewer', group: 'nav.group.admin', component: SettingsPage },
  { path: '/networks', title: 'nav.networks', min: 'viewer', group: 'nav.group.admin', component: NetworksPage },
  { path: '/tls', title: 'nav.tls', min: 'viewer', group: 'nav.group.admin', component: TlsPage },
  { path: '/users', title: 'nav.users', min: 'admin', group: 'nav.group.admin', component: UsersPage },
  { path: '/keys', title: 'nav.keys', min: 'admin', group: 'nav.group.admin', component: EndpointKeysPage },
  { path: '/audit', title: 'nav.audit', min: 'admin', group: 'nav.group.admin', component: AuditPage },
  { path: '/docs', title: 'nav.docs', min: 'viewer', group: 'nav.group.help', component: DocsPage },
  { path: '/account', title: 'nav.account', min: 'viewer', group: 'nav.group.help', component: AccountPage, nav: false },
];

function useHashRoute(): Route {
  const [r, setR] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setR(parseHash(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return r;
}

function useLang() {
  const [, setL] = useState(lang());
  useEffect(() => onLangChange(setL), []);
}

function LangSwitch() {
  return (
    <div class="lang-switch" role="group" aria-label={t('lang.label')}>
      <button type="button" class={'btn btn-small' + (lang() === 'en' ? ' active' : '')} aria-pressed={lang() === 'en'} lang="en" onClick={() => setLang('en')}>English</button>
      <button type="button" class={'btn btn-small' + (lang() === 'fr' ? ' active' : '')} aria-pressed={lang() === 'fr'} lang="fr" onClick={() => setLang('fr')}>Français</button>
    </div>
  );
}

function pageFor(route: Route): PageDef | null {
  const first = '/' + (route.parts[0] || '');
  return PAGES.find((p) => p.path === first) || null;
}

function Shell({ session, onLogout }: { session: Session; onLogout: () => void }) {
  const route = useHashRoute();
  const [liveState, setLiveState] = useState('connecting');
  useEffect(() => live().onState(setLiveState), []);
  const page = pageFor(route);
  const groups: string[] = [];
  for (const p of PAGES) if (p.nav !== false && !groups.includes(p.group)) groups.push(p.group);
  useEffect(() => {
    // Move focus to the new page's heading so screen readers and keyboards follow.
    const h = document.getElementById('page-title');
    if (h && document.activeElement && document.activeElement.closest('.sidebar')) h.focus();
  }, [route.path]);
  let content;
  if (!page) content = <div class="alert alert-warn" role="alert"><strong>{t('error.page_not_found')}</strong><p><a href="#/">{t('nav.dashboard')}</a></p></div>;
  else if (!atLeast(session.role, page.min)) content = <div class="alert alert-warn" role="alert"><strong>{t('error.role_needed', { role: t('role.' + page.min) })}</strong></div>;
  else { const C = page.component; content = <C route={route} />; }
  return (
    <SessionContext.Provider value={session}>
      <a class="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>{t('nav.skip')}</a>
      <header class="topbar">
        <a class="brand" href="#/"><img src="./favicon.svg" alt="" width={22} height={22} />provisiond</a>
        <LiveDot state={liveState} />
        <div class="topbar-right">
          <LangSwitch />
          <a class="user" href="#/account" title={t('nav.account')}>
            <span class="user-name">{session.username}</span> <span class={'badge badge-role badge-role-' + session.role}>{t('role.' + session.role)}</span>
          </a>
          <button type="button" class="btn btn-small" onClick={onLogout}>{t('auth.logout')}</button>
        </div>
      </header>
      <div class="layout">
        <nav class="sidebar" aria-label={t('nav.label')}>
          {groups.map((g) => {
            const items = PAGES.filter((p) => p.group === g && p.nav !== false && atLeast(session.role, p.min));
            if (!items.length) return null;
            return (
              <div class="nav-group" key={g}>
                <h2 class="nav-group-title">{t(g)}</h2>
                <ul>
                  {items.map((p) => (
                    <li key={p.path}><a href={'#' + p.path} aria-current={page === p ? 'page' : undefined}>{t(p.title)}</a></li>
                  ))}
                </ul>
              </div>
            );
          })}
        </nav>
        <main id="main" tabIndex={-1}>{content}</main>
      </div>
      <Notices />
    </SessionContext.Provider>
  );
}

function App() {
  useLang();
  const [session, setSession] = useState<Session | null>(null);
  const [state, setState] = useState<'checking' | 'in' | 'out' | 'error'>('checking');
  const [error, setError] = useState<any>(null);
  const signedIn = (raw: Session & { name?: string }) => {
    // /auth/me answers `name` where login answers `username` (see NOTES.md): take either.
    const s: Session = { ...raw, username: raw.username || raw.name || '' };
    setCsrf(s.csrf_token || '');
    setSession(s);
    setState('in');
    live().start();
  };
  const check = () => {
    setState('checking');
    api.get<Session>('/api/v1/auth/me').then(signedIn, (e) => {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setState('out');
      else { setError(e); setState('error'); }
    });
  };
  useEffect(() => {
    document.documentElement.lang = lang();
    setUnauthorizedHandler(() => { live().stop(); setSession(null); setCsrf(''); setState('out'); });
    check();
  }, []);
  const logout = async () => {
    try { await api.post('/api/v1/auth/logout'); } catch { /* signed out anyway */ }
    live().stop();
    setCsrf('');
    setSession(null);
    setState('out');
  };
  if (state === 'checking') return <main class="center"><Loading /></main>;
  if (state === 'error') return <main class="center"><ErrorBox error={error} onRetry={check} /></main>;
  if (state === 'out' || !session) return <LoginPage onSignedIn={signedIn} langSwitch={<LangSwitch />} />;
  return <Shell session={session} onLogout={logout} />;
}

render(<App />, document.getElementById('app')!);

// Keys the UI builds at run time as `${prefix}.${value}` (tk(), t('role.' + r), ...): every
// value listed here must have a message in both catalogues (checked by test/i18n.test.ts).
export const KEY_FAMILIES: Record<string, readonly (string | number)[]> = {
  'state': ['running', 'stale', 'success', 'error'],
  'level': ['debug', 'info', 'warning', 'warn', 'error'],
  'live': ['connecting', 'open', 'retrying', 'unavailable'],
  'role': ['viewer', 'operator', 'admin'],
  'source.kind': ['https', 'http', 'unc', 'local', 'hub', 'none'],
  'source.kind_help': ['https', 'http', 'unc', 'local', 'hub', 'none'],
  'dep.source': ['api', 'legacy'],
  'import.kind': ['added', 'changed', 'removed'],
  'preview.src': ['record', 'facts', 'country', 'global', 'none', 'template'],
  'bundle.source': ['rule', 'default', 'none'],
  'pending.source': ['plan', 'deployment'],
  'settings.source': ['config.csv', 'listener', 'default'],
  'net.status': ['Allow', 'Blocked'],
  'net.kinds': ['manual', 'subnet', 'host'],
  'account.role_help': ['viewer', 'operator', 'admin'],
};
// Keys joined without a dot: `${prefix}${value}`.
export const KEY_SUFFIXES: Record<string, readonly (string | number)[]> = {
  'keys.kind_': ['bundle', 'variables'],
  'tls.mode_': [0, 1, 2],
  'dash.today_': ['running', 'success', 'error', 'stale'],
};

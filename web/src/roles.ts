export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: Role[] = ['viewer', 'operator', 'admin'];

export function roleRank(r: string | null | undefined): number {
  return ROLES.indexOf((r || '') as Role);
}

/** Whether role r may do what needs role min (viewer < operator < admin). */
export function atLeast(r: string | null | undefined, min: Role): boolean {
  const rank = roleRank(r);
  return rank >= 0 && rank >= roleRank(min);
}

/** Operators may write files under Apps/ and Drivers/ only; admins anywhere. */
export function mayWriteFile(r: string | null | undefined, path: string): boolean {
  if (atLeast(r, 'admin')) return true;
  if (!atLeast(r, 'operator')) return false;
  const p = path.replace(/^\/+/, '');
  if (p.split('/').some((s) => s === '..' || s === '.')) return false;
  return /^(Apps|Drivers)\/./i.test(p);
}

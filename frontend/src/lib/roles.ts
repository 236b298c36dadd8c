// Roles, as the server orders them (viewer < analyst < approver < admin),
// and what the page says when a role may not use a control. The server
// decides: the page only hides or disables what would be refused, and says
// why.

/** Role is an account role; each may do what the ones before it may. */
export type Role = 'viewer' | 'analyst' | 'approver' | 'admin';

/** roles are every role, from least to most (as GET /api/v1/session lists them). */
export const roles: readonly Role[] = ['viewer', 'analyst', 'approver', 'admin'];

/** isRole reports whether s names a role. */
export function isRole(s: unknown): s is Role {
  return typeof s === 'string' && (roles as readonly string[]).includes(s);
}

/** roleAllows reports whether a user of role have may do what needs role
 * need. An unknown role (or none) allows nothing. */
export function roleAllows(have: string | null | undefined, need: Role): boolean {
  if (!isRole(have)) return false;
  return roles.indexOf(have) >= roles.indexOf(need);
}

const plural: Record<Role, string> = { viewer: 'Viewers', analyst: 'Analysts', approver: 'Approvers', admin: 'Admins' };

/**
 * cannotReason says why a user of role have may not use a control that
 * needs role need, and what to do about it ("Viewers can look but not
 * change: ask an admin for the analyst role"); "" when they may.
 */
export function cannotReason(have: string | null | undefined, need: Role): string {
  if (roleAllows(have, need)) return '';
  if (!isRole(have)) return `Sign in with the ${need} role to change this.`;
  const who = plural[have];
  const what = have === 'viewer' ? `${who} can look but not change` : `${who} cannot do this`;
  return `${what}: ask an admin for the ${need} role`;
}

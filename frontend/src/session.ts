// Who is signed in, as signals the page renders from: the session document
// (GET /api/v1/session), why the sign-in page is shown again, and what the
// signed-in user's role lets them do. The API client keeps the token writes
// send and says when a request answered 401.

import { signal } from '@preact/signals';
import { api, onSignedOut } from './api';
import { cannotReason, roleAllows, type Role } from './lib/roles';
import type { Session } from './types';

/** session is who is signed in; null until the server has said. */
export const session = signal<Session | null>(null);

/** SignInNotice is why the sign-in page shows: '' at first, 'ended' when
 * the server ended the session (idle for too long), 'signed-out' after
 * Sign out. */
export type SignInNotice = '' | 'ended' | 'signed-out';
export const signInNotice = signal<SignInNotice>('');

/** signedOutDoc is s with nobody signed in. */
function signedOutDoc(s: Session): Session {
  return { mode: s.mode, methods: s.methods, roles: s.roles, sso_name: s.sso_name, sso_login: s.sso_login, signed_in: false };
}

// A 401 from any request: show the sign-in page again, where the user was.
onSignedOut(() => {
  const s = session.peek();
  if (!s?.signed_in) return;
  session.value = signedOutDoc(s);
  signInNotice.value = 'ended';
});

/** can reports whether the signed-in user's role allows what needs role need. */
export function can(need: Role): boolean {
  return roleAllows(session.value?.role, need);
}

/** whyNot says why the signed-in user may not do what needs role need ('' if they may). */
export function whyNot(need: Role): string {
  return cannotReason(session.value?.role, need);
}

/** signOut ends the session on the server and shows the sign-in page. */
export async function signOut(): Promise<void> {
  try {
    await api.signOut();
  } catch {
    // Already ended (401) or the server is gone: the page forgets it all the same.
  }
  const s = session.peek();
  if (s) session.value = signedOutDoc(s);
  signInNotice.value = 'signed-out';
}

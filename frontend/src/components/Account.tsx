// The header's name of the service, and who is signed in with the button
// to sign out (or, on a laptop with no users, that nobody needs to).

import { useSignal } from '@preact/signals';
import { session, signOut } from '../session';

/** Brand is the service's name and what it is for. */
export function Brand() {
  return (
    <div class="pp-header__brand">
      <span class="pp-header__name">placeplan</span>
      <span class="pp-header__tag">where early-intervention teams should go</span>
    </div>
  );
}

/** Account says who is signed in and with what role, with Sign out. */
export function Account() {
  const s = session.value;
  const busy = useSignal(false);
  if (!s?.signed_in) return null;
  if (s.mode === 'local' || s.via === 'local') {
    return <p class="pp-header__user govuk-body-s" data-testid="account">Local single-user mode</p>;
  }
  return (
    <p class="pp-header__user govuk-body-s" data-testid="account">
      <span class="pp-header__who">Signed in as <strong>{s.user}</strong> ({s.role})</span>
      {/* A proxy or a token signs in outside the page: nothing here to end. */}
      {s.via === 'session' && (
        <button type="button" class="pp-header__signout" disabled={busy.value}
          onClick={async () => { busy.value = true; await signOut(); busy.value = false; }}>
          Sign out
        </button>
      )}
    </p>
  );
}

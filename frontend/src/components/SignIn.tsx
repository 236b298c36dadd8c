// The sign-in page: a user name and a password, in GOV.UK's form pattern —
// an error summary (focused, so it is read out) that links to the field,
// and the error again by the field. It is all the page shows until the
// server knows who is asking: no map, no data.

import { useEffect, useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { api, ApiError } from '../api';
import { problemText } from '../store';
import type { SignInNotice } from '../session';
import type { Session } from '../types';
import { Brand } from './Account';
import { sentence } from '../lib/format';

type Field = 'username' | 'password';
interface FieldError { field: Field; text: string }

const notices: Record<Exclude<SignInNotice, ''>, { title: string; text: string; success?: boolean }> = {
  ended: { title: 'Important', text: 'Your session has ended: sign in again' },
  'signed-out': { title: 'Signed out', text: 'You have signed out.', success: true },
};

export function SignIn({ session, notice, onSignedIn }: {
  /** the session document: how one signs in here (password, single sign-on) */
  session: Session;
  notice: SignInNotice;
  /** onSignedIn loads the app for the session; the page waits for it. */
  onSignedIn: (s: Session) => Promise<void>;
}) {
  const name = useSignal('');
  const password = useSignal('');
  const errors = useSignal<FieldError[]>([]);
  const busy = useSignal(false);
  const summary = useRef<HTMLDivElement>(null);
  const banner = useRef<HTMLDivElement>(null);
  const tries = useSignal(0); // each failed submit moves focus to the summary again

  const failed = errors.value.length > 0;
  useEffect(() => {
    document.title = `${failed ? 'Error: ' : ''}Sign in — placeplan`;
  }, [failed]);
  useEffect(() => {
    if (tries.value > 0) summary.current?.focus();
  }, [tries.value]);
  useEffect(() => {
    // Shown again after the session ended or a sign-out: say why, first.
    if (notice) banner.current?.focus();
  }, [notice]);

  const fail = (e: FieldError[]) => {
    errors.value = e;
    tries.value++;
  };

  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (busy.value) return;
    const n = name.value.trim();
    const missing: FieldError[] = [];
    if (!n) missing.push({ field: 'username', text: 'Enter your user name' });
    if (!password.value) missing.push({ field: 'password', text: 'Enter your password' });
    if (missing.length) {
      fail(missing);
      return;
    }
    busy.value = true;
    try {
      const s = await api.signIn(n, password.value);
      errors.value = [];
      password.value = '';
      await onSignedIn(s);
    } catch (err) {
      const text = err instanceof ApiError && err.problem.detail ? err.problem.detail : problemText(err);
      password.value = '';
      fail([{ field: 'password', text: sentence(text) }]);
    } finally {
      busy.value = false;
    }
  };

  const errorOf = (f: Field) => errors.value.find((e) => e.field === f);
  const goTo = (f: Field) => (e: Event) => {
    e.preventDefault();
    const input = document.getElementById(f);
    document.querySelector(`label[for="${f}"]`)?.scrollIntoView();
    input?.focus({ preventScroll: true });
  };
  const shown = notice ? notices[notice] : null;
  const sso = session.methods.includes('oidc') && !!session.sso_login;

  return (
    <>
      <a href="#main" class="govuk-skip-link" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to main content</a>
      <header class="pp-header">
        <Brand />
      </header>
      <div class="pp-page">
        <div class="govuk-width-container">
          <main class="govuk-main-wrapper pp-signin" id="main" tabIndex={-1}>
            <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
            {shown && (
              <div ref={banner} tabIndex={-1} role={shown.success ? 'alert' : 'region'} aria-labelledby="notice-title"
                class={`govuk-notification-banner${shown.success ? ' govuk-notification-banner--success' : ''}`}>
                <div class="govuk-notification-banner__header">
                  <h2 class="govuk-notification-banner__title" id="notice-title">{shown.title}</h2>
                </div>
                <div class="govuk-notification-banner__content">
                  <p class="govuk-notification-banner__heading">{shown.text}</p>
                </div>
              </div>
            )}
            {failed && (
              <div class="govuk-error-summary" ref={summary} tabIndex={-1}>
                <div role="alert">
                  <h2 class="govuk-error-summary__title">There is a problem</h2>
                  <div class="govuk-error-summary__body">
                    <ul class="govuk-list govuk-error-summary__list">
                      {errors.value.map((e) => <li key={e.field}><a href={`#${e.field}`} onClick={goTo(e.field)}>{e.text}</a></li>)}
                    </ul>
                  </div>
                </div>
              </div>
            )}
            <h1 class="govuk-heading-l">Sign in to placeplan</h1>
            {sso && (
              <>
                <a class="govuk-button govuk-button--start pp-signin__sso" role="button" draggable={false}
                  href={`${session.sso_login}?return=${encodeURIComponent(location.pathname + location.search + location.hash)}`}>
                  Sign in with {session.sso_name || 'single sign-on'}
                  <svg class="govuk-button__start-icon" xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false">
                    <path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" />
                  </svg>
                </a>
                <p class="govuk-body">Or, with a placeplan account:</p>
              </>
            )}
            {!sso && <p class="govuk-body">Use the user name and password your placeplan administrator gave you.</p>}
            <form class="pp-signin__form" method="post" noValidate onSubmit={submit}>
              <TextField id="username" label="User name" value={name.value} error={errorOf('username')?.text}
                autocomplete="username" onInput={(v) => { name.value = v; }} />
              <TextField id="password" label="Password" password value={password.value} error={errorOf('password')?.text}
                autocomplete="current-password" onInput={(v) => { password.value = v; }} />
              <button type="submit" class="govuk-button" aria-disabled={busy.value ? 'true' : undefined}>
                {busy.value ? 'Signing in…' : 'Sign in'}
              </button>
            </form>
            <p class="govuk-body-s">No account, or forgotten your password? Ask your placeplan administrator: they add users and set passwords.</p>
            </div></div>
          </main>
        </div>
      </div>
    </>
  );
}

function TextField({ id, label, value, error, password, autocomplete, onInput }: {
  id: Field; label: string; value: string; error?: string; password?: boolean; autocomplete: string; onInput: (v: string) => void;
}) {
  const input = {
    class: `govuk-input govuk-input--width-20 pp-signin__input${error ? ' govuk-input--error' : ''}`,
    id, name: id, value, autocomplete, spellcheck: false, autocapitalize: 'none' as const,
    'aria-describedby': error ? `${id}-error` : undefined,
    onInput: (e: Event) => onInput((e.target as HTMLInputElement).value),
  };
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <label class="govuk-label govuk-label--s" for={id}>{label}</label>
      {error && <p class="govuk-error-message" id={`${id}-error`}><span class="govuk-visually-hidden">Error:</span> {error}</p>}
      {password ? <input type="password" {...input} /> : <input type="text" {...input} />}
    </div>
  );
}

// Saving a draft as the next revision (If-Match names the revision it
// started from, so nobody's change is lost) or as a new scenario; the
// revisions with who, when and what changed; and, when someone else saved
// first, what they changed and how to carry on. The server records the
// signed-in user as the author; saving is for analysts.

import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { api, ApiError } from '../api';
import { announce, dirty, draft, indicatorName, openScenario, problemText, scenarios } from '../store';
import { describeChanges } from '../lib/draft';
import { dateTime, longDate } from '../lib/format';
import { can, session, whyNot } from '../session';
import type { Approval, Problem, Revision } from '../types';

export function SavePanel() {
  const d = draft.value!;
  const s = session.value;
  const locked = !can('analyst');
  const note = useSignal('');
  const name = useSignal('');
  const busy = useSignal(false);
  const error = useSignal('');
  const conflict = useSignal<Problem | null>(null);
  const saved = useSignal('');
  const revisions = useSignal<Revision[]>([]);
  const changes = describeChanges(d.base, d.doc, (k) => indicatorName(k, d.doc.dataset.geography));

  const loadRevisions = () => {
    if (!d.id) return;
    api.revisions(d.id).then((r) => { revisions.value = r; }).catch(() => { revisions.value = []; });
  };
  useEffect(loadRevisions, [d.id, d.revision]);

  const noteText = () => note.value.trim() || (changes.length ? changes.join('; ') : 'no changes');

  const saveRevision = async () => {
    if (!d.id) return;
    busy.value = true;
    error.value = '';
    conflict.value = null;
    try {
      const r = await api.updateScenario(d.id, d.revision, d.doc, noteText());
      draft.value = { ...d, revision: r.revision, base: structuredClone(d.doc) };
      note.value = '';
      saved.value = `Saved as revision ${r.revision} of ${r.id}.`;
      announce(saved.value);
      scenarios.value = await api.scenarios();
      loadRevisions();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        conflict.value = err.problem;
        announce('Not saved: someone else changed this scenario first.');
      } else error.value = problemText(err);
    } finally {
      busy.value = false;
    }
  };

  const saveNew = async () => {
    const n = name.value.trim();
    if (!n) {
      error.value = 'Enter a name for the new scenario.';
      document.getElementById('new-name')?.focus();
      return;
    }
    busy.value = true;
    error.value = '';
    try {
      const doc = { ...d.doc, name: n };
      const r = await api.createScenario(doc, noteText());
      scenarios.value = await api.scenarios();
      await openScenario(r.id);
      name.value = '';
      note.value = '';
      saved.value = `Saved as a new scenario, ${r.name} (${r.id}), revision ${r.revision}.`;
      announce(saved.value);
    } catch (err) {
      error.value = problemText(err);
    } finally {
      busy.value = false;
    }
  };

  const reload = async () => {
    if (!d.id) return;
    const mine = changes;
    await openScenario(d.id);
    conflict.value = null;
    saved.value = mine.length ? `Loaded the latest revision. Your changes, to reapply: ${mine.join('; ')}.` : 'Loaded the latest revision.';
    announce(saved.value);
  };

  return (
    <section class="pp-section pp-save" aria-labelledby="save-h">
      <h2 class="govuk-heading-m" id="save-h">Save</h2>
      {conflict.value && (
        <div class="govuk-notification-banner pp-conflict" role="alert" aria-labelledby="conflict-h">
          <div class="govuk-notification-banner__header">
            <h3 class="govuk-notification-banner__title" id="conflict-h">Not saved</h3>
          </div>
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">Someone else changed this scenario — reload and reapply your changes.</p>
            <p class="govuk-body">{conflictText(conflict.value)}</p>
            {changes.length > 0 && <p class="govuk-body-s">Your changes: {changes.join('; ')}.</p>}
            <button type="button" class="govuk-button" onClick={reload}>Reload the latest revision</button>
          </div>
        </div>
      )}
      {error.value && <p class="govuk-error-message" role="alert">{error.value}</p>}
      {saved.value && !conflict.value && <div class="govuk-inset-text">{saved.value}</div>}
      {locked
        ? <p class="govuk-inset-text pp-locked" id="save-locked">Saving is for analysts. {whyNot('analyst')}.</p>
        : <p class="govuk-body-s" id="save-as" data-testid="save-as">Saved as <strong>{s?.user}</strong>{s?.via === 'local' ? ' (local single-user mode)' : ''}: the revision records who saved it.</p>}
      <div class="govuk-form-group">
        <label class="govuk-label govuk-label--s" for="note">Note on the change</label>
        <div class="govuk-hint" id="note-hint">{changes.length ? `If you leave it blank: ${changes.join('; ')}` : 'No changes yet'}</div>
        <textarea class="govuk-textarea" id="note" rows={2} aria-describedby={locked ? 'note-hint save-locked' : 'note-hint'} value={note.value}
          disabled={locked} onInput={(e) => { note.value = (e.target as HTMLTextAreaElement).value; }} />
      </div>
      <div class="govuk-button-group">
        {d.id && (
          <button type="button" class="govuk-button" disabled={locked || busy.value || !dirty.value} onClick={saveRevision}
            aria-describedby={locked ? 'save-locked' : undefined}>
            Save as revision {d.revision + 1}
          </button>
        )}
      </div>
      <details class="govuk-details">
        <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Save as a new scenario</span></summary>
        <div class="govuk-details__text">
          <div class="govuk-form-group">
            <label class="govuk-label govuk-label--s" for="new-name">Name of the new scenario</label>
            <input class="govuk-input" id="new-name" value={name.value} disabled={locked}
              aria-describedby={locked ? 'save-locked' : undefined} onInput={(e) => { name.value = (e.target as HTMLInputElement).value; }} />
          </div>
          <button type="button" class="govuk-button govuk-button--secondary" disabled={locked || busy.value} onClick={saveNew}
            aria-describedby={locked ? 'save-locked' : undefined}>Save as a new scenario</button>
        </div>
      </details>
      {d.id && revisions.value.length > 0 && (
        <ApprovePanel id={d.id} revision={d.revision} unsaved={dirty.value}
          approvals={revisions.value.find((r) => r.revision === d.revision)?.approvals ?? []} onApproved={loadRevisions} />
      )}
      {d.id && revisions.value.length > 0 && (
        <div class="pp-revisions">
          <h3 class="govuk-heading-s">Revisions of {d.id}</h3>
          <div class="pp-table__scroll" tabIndex={0} role="region" aria-label="Revisions">
            <table class="govuk-table govuk-table--small-text-until-tablet">
              <caption class="govuk-visually-hidden">Revisions: who, when and what changed</caption>
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">Revision</th>
                  <th scope="col" class="govuk-table__header">Who and when</th>
                  <th scope="col" class="govuk-table__header">What changed</th>
                  <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Open</span></th>
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {[...revisions.value].reverse().map((r) => (
                  <tr class="govuk-table__row" key={r.revision}>
                    <th scope="row" class="govuk-table__cell">{r.revision}{r.revision === d.revision && <span class="pp-muted"> (open)</span>}</th>
                    <td class="govuk-table__cell">{r.author}<br /><span class="pp-muted">{dateTime(r.created)}</span>
                      {(r.approvals ?? []).map((a) => <span key={a.committee}><br /><strong class="govuk-tag govuk-tag--green pp-approval">{approvalText(a)}</strong></span>)}</td>
                    <td class="govuk-table__cell">{r.note}{r.changes && r.changes !== r.note ? <><br /><span class="pp-muted">{r.changes}</span></> : null}</td>
                    <td class="govuk-table__cell">
                      {r.revision !== d.revision && (
                        <button type="button" class="pp-linkbutton" onClick={async () => {
                          if (dirty.value && !confirm('Open this revision? Your unsaved changes will be lost.')) return;
                          await openScenario(`${d.id}@${r.revision}`);
                          announce(`Opened revision ${r.revision} of ${d.id}.`);
                        }}>Open<span class="govuk-visually-hidden"> revision {r.revision}</span></button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

/** approvalText says what a board approved: "Approved for Health and Wellbeing Board, 14 January 2027, by priya". */
export function approvalText(a: Approval): string {
  return `Approved for ${a.committee}, ${longDate(a.meeting)}, by ${a.by}`;
}

/** ApprovePanel lets an approver approve the open, saved revision for a
 * committee's meeting; others see why they may not. */
function ApprovePanel({ id, revision, unsaved, approvals, onApproved }: {
  id: string; revision: number; unsaved: boolean; approvals: Approval[]; onApproved: () => void;
}) {
  const committee = useSignal('');
  const meeting = useSignal('');
  const note = useSignal('');
  const error = useSignal('');
  const busy = useSignal(false);
  const reason = whyNot('approver');
  const blocked = reason || (unsaved ? 'Save your changes first: a board approves a saved revision.' : '');
  const approve = async () => {
    error.value = '';
    if (!committee.value.trim() || !meeting.value) {
      error.value = 'Enter the committee and the date of its meeting';
      return;
    }
    busy.value = true;
    try {
      const a = await api.approve(id, revision, committee.value.trim(), meeting.value, note.value.trim());
      announce(`${approvalText(a)} (revision ${a.revision}).`);
      committee.value = ''; meeting.value = ''; note.value = '';
      onApproved();
    } catch (err) {
      error.value = problemText(err);
    } finally {
      busy.value = false;
    }
  };
  return (
    <details class="govuk-details pp-approve">
      <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Approve revision {revision} for a board</span></summary>
      <div class="govuk-details__text">
        {approvals.length > 0 && <p class="govuk-body">{approvals.map(approvalText).join('; ')}.</p>}
        <p class="govuk-body-s">A revision never changes, so an approval holds for exactly what the board saw; a later change makes a new revision, which needs its own approval.</p>
        {blocked && <p class="govuk-hint" id="approve-blocked">{blocked}</p>}
        {error.value && <p class="govuk-error-message" role="alert"><span class="govuk-visually-hidden">Error:</span> {error.value}</p>}
        <div class="govuk-form-group">
          <label class="govuk-label govuk-label--s" for="approve-committee">Committee</label>
          <input class="govuk-input" id="approve-committee" value={committee.value} disabled={!!blocked} placeholder="Health and Wellbeing Board"
            aria-describedby={blocked ? 'approve-blocked' : undefined} onInput={(e) => { committee.value = (e.target as HTMLInputElement).value; }} />
        </div>
        <div class="govuk-form-group">
          <label class="govuk-label govuk-label--s" for="approve-meeting">Date of the meeting</label>
          <input class="govuk-input govuk-input--width-10" type="date" id="approve-meeting" value={meeting.value} disabled={!!blocked}
            aria-describedby={blocked ? 'approve-blocked' : undefined} onInput={(e) => { meeting.value = (e.target as HTMLInputElement).value; }} />
        </div>
        <div class="govuk-form-group">
          <label class="govuk-label govuk-label--s" for="approve-note">Note (optional)</label>
          <input class="govuk-input" id="approve-note" value={note.value} disabled={!!blocked} placeholder="Item 7"
            onInput={(e) => { note.value = (e.target as HTMLInputElement).value; }} />
        </div>
        <button type="button" class="govuk-button" disabled={!!blocked || busy.value} onClick={approve}
          aria-describedby={blocked ? 'approve-blocked' : undefined}>Approve revision {revision}</button>
      </div>
    </details>
  );
}

/** conflictText says who saved what, from a 412 problem. */
export function conflictText(p: Problem): string {
  if (p.changed_by && p.current_revision) {
    const when = p.changed_at ? ` on ${dateTime(p.changed_at)}` : '';
    const what = p.note || p.changes;
    return `${p.changed_by} saved revision ${p.current_revision}${when}${what ? `: “${what}”` : ''}.`;
  }
  return p.detail ?? 'The scenario has a newer revision than the one you started from.';
}

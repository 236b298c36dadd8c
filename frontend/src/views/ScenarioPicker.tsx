// Choosing the scenario to work on: a stored one (its current revision or
// an earlier one), opened as a draft that is only saved when you say so.

import { useSignal } from '@preact/signals';
import { dirty, draft, openScenario, problemText, scenarios } from '../store';
import { announce } from '../store';

export function ScenarioPicker({ label = 'Scenario' }: { label?: string }) {
  const d = draft.value;
  const chosen = useSignal(d?.id ?? '');
  const error = useSignal('');
  const open = async (id: string) => {
    if (!id) return;
    if (dirty.value && !confirm('Open another scenario? Your unsaved changes to this one will be lost.')) {
      chosen.value = d?.id ?? '';
      return;
    }
    try {
      await openScenario(id);
      error.value = '';
      announce(`Opened ${scenarios.value.find((s) => s.id === id)?.name ?? id} as a draft.`);
    } catch (err) {
      error.value = problemText(err);
    }
  };
  return (
    <div class="pp-picker">
      <div class="govuk-form-group">
        <label class="govuk-label govuk-label--s" for="scenario-pick">{label}</label>
        <select class="govuk-select pp-wide" id="scenario-pick" value={chosen.value || d?.id || ''}
          onChange={(e) => { chosen.value = (e.target as HTMLSelectElement).value; open(chosen.value); }}>
          {!d && <option value="">Choose a scenario</option>}
          {scenarios.value.map((s) => <option value={s.id} key={s.id}>{s.name}</option>)}
        </select>
      </div>
      {d && (
        <p class="govuk-body-s" id="draft-status">
          {d.id ? <>Revision {d.revision} of <code>{d.id}</code></> : 'A new scenario'}
          {' '}
          {dirty.value
            ? <strong class="govuk-tag govuk-tag--yellow pp-tag">Unsaved changes</strong>
            : <strong class="govuk-tag govuk-tag--grey pp-tag">No changes</strong>}
        </p>
      )}
      {error.value && <p class="govuk-error-message" role="alert">{error.value}</p>}
    </div>
  );
}

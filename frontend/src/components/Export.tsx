// Export a saved scenario: the board paper (PDF, Word, web page) and the
// analysts' files. A paper takes a few seconds; the server answers 202
// while it works, and the button says so and announces each step.

import { useSignal } from '@preact/signals';
import { fetchReport } from '../api';
import { announce, problemText } from '../store';
import { REPORT_FORMATS, reportURL } from '../lib/report';

/** ExportPanel offers every export of the scenario ref (id@revision),
 * set beside compare when given. note explains what is exported. */
export function ExportPanel({ scenarioRef, compare, note }: { scenarioRef: string | null; compare?: string; note?: string }) {
  const busy = useSignal('');
  const step = useSignal('');
  const error = useSignal('');
  const done = useSignal('');

  const run = async (format: string, label: string) => {
    if (!scenarioRef) return;
    busy.value = format;
    error.value = '';
    done.value = '';
    step.value = 'starting';
    announce(`Preparing the ${label.toLowerCase()}…`);
    try {
      const f = await fetchReport(reportURL(scenarioRef, format, compare), {
        onStep: (s) => { step.value = s; },
      });
      const href = URL.createObjectURL(f.blob);
      const a = document.createElement('a');
      a.href = href;
      a.download = f.filename;
      a.hidden = true;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
      done.value = `Downloaded ${f.filename}.`;
      announce(done.value);
    } catch (err) {
      error.value = problemText(err);
      announce(`Not exported: ${error.value}`);
    } finally {
      busy.value = '';
    }
  };

  return (
    <section class="pp-section pp-export" aria-labelledby="export-h">
      <h2 class="govuk-heading-m" id="export-h">Export</h2>
      {note && <p class="govuk-body">{note}</p>}
      {!scenarioRef && <p class="govuk-body">Save the draft as a scenario to export it.</p>}
      {error.value && <p class="govuk-error-message" role="alert">{error.value}</p>}
      {done.value && <div class="govuk-inset-text">{done.value}</div>}
      <ul class="govuk-list pp-export__list">
        {REPORT_FORMATS.map((f) => (
          <li key={f.key}>
            <button type="button" class="govuk-button govuk-button--secondary pp-export__button" data-format={f.key}
              disabled={!scenarioRef || busy.value !== ''} aria-describedby={`export-${f.key}-hint`}
              onClick={() => run(f.key, f.label)}>
              {busy.value === f.key ? `Preparing… (${step.value})` : f.label}
            </button>
            <span class="govuk-hint pp-export__hint" id={`export-${f.key}-hint`}>{f.hint}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

// Search by area name or code, neighbourhood, locality, town or district:
// an ARIA 1.2 combobox. Type, move with the arrow keys, Enter to go there,
// Escape to close.

import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api, isAbort } from '../api';
import { Latest } from '../lib/latest';
import type { SearchResult } from '../types';

// Preact's types allow role=combobox on an input only with a list attribute;
// ARIA in HTML allows it on any text input.
const comboboxRole = { role: 'combobox' } as Record<string, string>;

const kindLabel: Record<SearchResult['kind'], string> = {
  area: 'Small area', msoa: 'Neighbourhood (MSOA)', locality: 'Locality', district: 'District', town: 'Town',
};

interface Props {
  geography: string;
  onChoose: (r: SearchResult) => void;
}

export function SearchBox({ geography, onChoose }: Props) {
  const id = useId();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<SearchResult[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [status, setStatus] = useState('');
  const run = useRef(new Latest<SearchResult[]>());
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const text = q.trim();
    if (text.length < 2) {
      run.current.cancel();
      setResults([]);
      setOpen(false);
      setStatus('');
      return;
    }
    run.current.run((s) => api.search(text, geography, s), 120).then((r) => {
      if (!r) return;
      setResults(r);
      setOpen(true);
      setActive(-1);
      setStatus(r.length ? `${r.length} result${r.length === 1 ? '' : 's'}; use the up and down arrows to choose` : 'No results');
    }, (err) => {
      if (!isAbort(err)) setStatus(`Search failed: ${err.message}`);
    });
  }, [q, geography]);

  const choose = (r: SearchResult) => {
    setOpen(false);
    setQ(r.name);
    setStatus('');
    onChoose(r);
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open && results.length) setOpen(true);
      setActive((a) => Math.min(results.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      const r = results[active >= 0 ? active : 0];
      if (open && r) {
        e.preventDefault();
        choose(r);
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
      } else setQ('');
    }
  };

  const listId = `${id}-list`;
  return (
    <div class="govuk-form-group pp-search">
      <label class="govuk-label govuk-label--s" for={`${id}-input`}>Find a place</label>
      <div id={`${id}-hint`} class="govuk-hint">An area name or code, neighbourhood, locality, town or district</div>
      <div class="pp-search__box">
        <input
          ref={input}
          id={`${id}-input`}
          class="govuk-input"
          type="text"
          {...comboboxRole}
          autocomplete="off"
          spellcheck={false}
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-describedby={`${id}-hint`}
          aria-activedescendant={open && active >= 0 ? `${id}-opt-${active}` : undefined}
          value={q}
          onInput={(e) => setQ((e.target as HTMLInputElement).value)}
          onKeyDown={onKey}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
        />
        <ul id={listId} role="listbox" class="pp-search__list" aria-label="Places found" hidden={!open || !results.length}>
          {results.map((r, i) => (
            <li
              id={`${id}-opt-${i}`}
              key={`${r.kind}:${r.code}`}
              role="option"
              aria-selected={i === active}
              class={`pp-search__option${i === active ? ' pp-search__option--active' : ''}`}
              onMouseDown={(e) => { e.preventDefault(); choose(r); }}
            >
              <span class="pp-search__name">{r.name}</span>
              <span class="pp-search__detail">{kindLabel[r.kind] ?? r.kind}{r.detail ? ` · ${r.detail}` : ''}{r.kind === 'area' ? ` · ${r.code}` : ''}</span>
            </li>
          ))}
        </ul>
      </div>
      <div class="govuk-visually-hidden" role="status" aria-live="polite">{status}</div>
    </div>
  );
}

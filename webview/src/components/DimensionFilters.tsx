/**
 * The filter bar for project, user, session and source. Values are never shipped in full (there
 * can be thousands of sessions): each box asks the sidecar (`dimensionValues`) for the values
 * matching what is typed, and the answer fills its suggestions. Picking one (or Enter) applies
 * it; emptying the box removes the filter.
 */
import { useEffect, useState, type KeyboardEvent } from 'react';
import type { Filters, SearchedDimension } from '../protocol';
import type { DimensionSearch } from '../state/reducer';
import { ellipsize, formatCost } from '../format';

export const SEARCH_LIMIT = 50;

const BOXES: { key: SearchedDimension; label: string; all: string }[] = [
  { key: 'project', label: 'Project', all: 'All projects' },
  { key: 'user', label: 'User', all: 'All users' },
  { key: 'session', label: 'Session', all: 'All sessions' },
  { key: 'source', label: 'Source', all: 'All sources' },
];

function Box({ dim, label, all, value, search, onSearch, onFilter }: {
  dim: SearchedDimension;
  label: string;
  all: string;
  value: string;
  search: DimensionSearch | undefined;
  onSearch: (dim: SearchedDimension, prefix: string) => void;
  onFilter: (dim: SearchedDimension, value: string) => void;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const values = search?.values ?? [];
  const listId = `dim-values-${dim}`;
  const change = (next: string) => {
    setText(next);
    if (next === '') {
      if (value) onFilter(dim, '');
      onSearch(dim, '');
      return;
    }
    if (values.some((v) => v.value === next)) onFilter(dim, next);
    else onSearch(dim, next);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && text !== value) onFilter(dim, text);
  };
  return (
    <label>
      <span>{label}</span>
      <input
        type="search"
        list={listId}
        value={text}
        placeholder={all}
        aria-label={`${label} filter`}
        data-dimension={dim}
        onFocus={() => onSearch(dim, text === value ? '' : text)}
        onChange={(e) => change(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <datalist id={listId}>
        {values.map((v) => (
          <option key={v.value} value={v.value} label={`${ellipsize(v.value)} · ${formatCost(v.cost)}`} />
        ))}
      </datalist>
      {search && search.total > values.length && <span className="muted">{`${values.length} of ${search.total}`}</span>}
    </label>
  );
}

export function DimensionFilters({ filters, searches, onSearch, onFilter }: {
  filters: Filters;
  searches: Partial<Record<SearchedDimension, DimensionSearch>>;
  onSearch: (dim: SearchedDimension, prefix: string) => void;
  onFilter: (dim: SearchedDimension, value: string) => void;
}) {
  return (
    <section className="panel dimension-filters" aria-label="Filter by project, user, session and source">
      <div className="filters">
        {BOXES.map((b) => (
          <Box
            key={b.key}
            dim={b.key}
            label={b.label}
            all={b.all}
            value={filters[b.key] ?? ''}
            search={searches[b.key]}
            onSearch={onSearch}
            onFilter={onFilter}
          />
        ))}
      </div>
    </section>
  );
}

/**
 * The filter bar for project, user, session and source. Each box suggests the values the snapshot
 * lists for its dimension (`filter_options`: the top values by cost, unfiltered, the applied one
 * included). Values are never shipped in full (there can be thousands of sessions): when the
 * sidecar says more are `unlisted`, the box asks it (`dimensionValues`) for the values matching
 * what is typed, and the answer replaces the suggestions. Picking one (or Enter) applies it;
 * emptying the box removes the filter. The order, the bound and the matching are the sidecar's.
 */
import { useEffect, useState, type KeyboardEvent } from 'react';
import type { FilterOption, FilterOptions, Filters, SearchedDimension } from '../protocol';
import type { DimensionSearch } from '../state/reducer';
import { ellipsize, formatCost } from '../format';

export const SEARCH_LIMIT = 50;

const BOXES: { key: SearchedDimension; label: string; all: string }[] = [
  { key: 'project', label: 'Project', all: 'All projects' },
  { key: 'user', label: 'User', all: 'All users' },
  { key: 'session', label: 'Session', all: 'All sessions' },
  { key: 'source', label: 'Source', all: 'All sources' },
];

function Box({ dim, label, all, value, listed, unlisted, search, onSearch, onFilter }: {
  dim: SearchedDimension;
  label: string;
  all: string;
  value: string;
  listed: FilterOption[];
  unlisted: number;
  search: DimensionSearch | undefined;
  onSearch: (dim: SearchedDimension, prefix: string) => void;
  onFilter: (dim: SearchedDimension, value: string) => void;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  // Every value is listed: the snapshot's list is the whole answer (the datalist narrows it).
  const searching = unlisted > 0;
  const values = searching && search ? search.values : listed;
  const listId = `dim-values-${dim}`;
  const change = (next: string) => {
    setText(next);
    if (next === '') {
      if (value) onFilter(dim, '');
      if (searching) onSearch(dim, '');
      return;
    }
    if (values.some((v) => v.value === next)) onFilter(dim, next);
    else if (searching) onSearch(dim, next);
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
        onFocus={() => searching && onSearch(dim, text === value ? '' : text)}
        onChange={(e) => change(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <datalist id={listId}>
        {values.map((v) => (
          <option key={v.value} value={v.value} label={`${ellipsize(v.value)} · ${formatCost(v.cost)}`} />
        ))}
      </datalist>
      {searching && search && search.total > values.length && <span className="muted">{`${values.length} of ${search.total}`}</span>}
      {searching && !search && <span className="muted">{`${unlisted} more: type to search`}</span>}
    </label>
  );
}

export function DimensionFilters({ filters, options, searches, onSearch, onFilter }: {
  filters: Filters;
  /** The snapshot's `filter_options` (undefined before the first snapshot). */
  options: FilterOptions | undefined;
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
            listed={options?.[b.key] ?? []}
            unlisted={options?.unlisted[b.key] ?? 0}
            search={searches[b.key]}
            onSearch={onSearch}
            onFilter={onFilter}
          />
        ))}
      </div>
    </section>
  );
}

/** Cost by user / by project cards, every workflow, the dimension filter bar and its searches. */
import { describe, expect, it } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import { fixtureSnapshot, fixtureHealth } from './support/fixtureSnapshot';
import { lastPosted, renderApp, send } from './support/harness';
import { reducer, initialState, DEFAULT_UI } from '../../webview/src/state/reducer';
import { isExtensionMessage } from '../../webview/src/protocol';

function renderWithSnapshot() {
  const result = renderApp();
  send({ type: 'snapshot', snapshot: fixtureSnapshot() });
  return result;
}

describe('cost by user and by project', () => {
  it('shows the top 10 users by cost and filters by one on click', () => {
    const { vscode } = renderWithSnapshot();
    const card = screen.getByRole('region', { name: 'Cost by user' });
    const items = within(card).getAllByRole('listitem');
    expect(items).toHaveLength(10);
    expect(items[0]!.textContent).toContain('user-01');
    expect(items[0]!.textContent).toContain('$2.00');
    expect(within(card).queryByText('user-11')).toBeNull();
    fireEvent.click(within(card).getByText('user-03'));
    const msg = lastPosted(vscode);
    expect(msg).toEqual({ type: 'setView', range: '7d', filters: { user: 'user-03' } });
  });

  it('"Show all" lists every user the snapshot carries and says how many the window has', () => {
    renderWithSnapshot();
    const card = screen.getByRole('region', { name: 'Cost by user' });
    fireEvent.click(within(card).getByRole('button', { name: 'Show all' }));
    const table = within(card).getByRole('table');
    expect(table.querySelectorAll('tbody tr')).toHaveLength(12);
    expect(table.querySelector('caption')!.textContent).toContain('the top 12 of 200 users by cost');
  });

  it('groups records without a project under (none)', () => {
    renderWithSnapshot();
    const card = screen.getByRole('region', { name: 'Cost by project' });
    const items = within(card).getAllByRole('listitem').map((li) => li.textContent);
    expect(items[0]).toContain('shop');
    expect(items[1]).toContain('(none)');
  });
});

describe('top workflows', () => {
  it('the card keeps five; "Show all" lists every workflow', () => {
    renderWithSnapshot();
    const card = screen.getByRole('region', { name: 'Top workflows by cost' });
    expect(within(card).getAllByRole('listitem')).toHaveLength(5);
    fireEvent.click(within(card).getByRole('link', { name: 'Show all (7)' }));
    const rows = within(card).getByRole('table').querySelectorAll('tbody tr');
    expect(rows).toHaveLength(7);
    expect(rows[6]!.textContent).toContain('seventh-workflow');
  });
});

describe('dimension filter bar', () => {
  it('asks the sidecar for values as the user types and shows its answer', () => {
    const { vscode } = renderWithSnapshot();
    const box = screen.getByLabelText('Session filter') as HTMLInputElement;
    fireEvent.focus(box);
    expect(lastPosted(vscode)).toEqual({ type: 'dimensionValues', dimension: 'session', prefix: '', limit: 50 });
    fireEvent.change(box, { target: { value: 's-04' } });
    expect(lastPosted(vscode)).toEqual({ type: 'dimensionValues', dimension: 'session', prefix: 's-04', limit: 50 });
    send({
      type: 'dimensionValues',
      prefix: 's-04',
      dimension: 'session',
      values: [
        { value: 's-0400', calls: 9, cost: 1.5 },
        { value: 's-0401', calls: 3, cost: 0.5 },
      ],
      total: 111,
    });
    const options = document.querySelectorAll('#dim-values-session option');
    expect([...options].map((o) => (o as HTMLOptionElement).value)).toEqual(['s-0400', 's-0401']);
    expect(screen.getByText('2 of 111')).toBeTruthy();
    // picking a suggested value applies it; the webview computed nothing
    fireEvent.change(box, { target: { value: 's-0401' } });
    expect(lastPosted(vscode)).toEqual({ type: 'setView', range: '7d', filters: { session: 's-0401' } });
    // emptying the box removes the filter
    fireEvent.change(box, { target: { value: '' } });
    expect(vscode.posted).toContainEqual({ type: 'setView', range: '7d', filters: {} });
  });

  it('suggests the values the snapshot lists, and asks for nothing when none is unlisted', () => {
    const { vscode } = renderWithSnapshot();
    const before = vscode.posted.length;
    const box = screen.getByLabelText('Project filter');
    fireEvent.focus(box);
    fireEvent.change(box, { target: { value: 'sh' } });
    expect(vscode.posted.slice(before).filter((m) => (m as { type: string }).type === 'dimensionValues')).toEqual([]);
    const options = [...document.querySelectorAll('#dim-values-project option')] as HTMLOptionElement[];
    expect(options.map((o) => o.value)).toEqual(['shop', '(none)']);
    expect(options[0]!.label).toContain('$8.00');
    fireEvent.change(box, { target: { value: 'shop' } });
    expect(lastPosted(vscode)).toEqual({ type: 'setView', range: '7d', filters: { project: 'shop' } });
  });

  it('shows the top users before any search and says how many more a search finds', () => {
    renderWithSnapshot();
    const options = [...document.querySelectorAll('#dim-values-user option')] as HTMLOptionElement[];
    expect(options).toHaveLength(12);
    expect(options[0]!.value).toBe('user-01');
    expect(screen.getByText('188 more: type to search')).toBeTruthy();
  });

  it('Enter applies a typed value (e.g. (none))', () => {
    const { vscode } = renderWithSnapshot();
    const box = screen.getByLabelText('Project filter');
    fireEvent.change(box, { target: { value: '(none)' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(lastPosted(vscode)).toEqual({ type: 'setView', range: '7d', filters: { project: '(none)' } });
  });

  it('keeps the answer per dimension and rejects malformed answers', () => {
    const msg = { type: 'dimensionValues', prefix: 'a', dimension: 'user', values: [{ value: 'ann', calls: 1, cost: 0 }], total: 1 };
    expect(isExtensionMessage(msg)).toBe(true);
    expect(isExtensionMessage({ ...msg, total: 'many' })).toBe(false);
    const s = reducer(initialState(DEFAULT_UI), msg as never);
    expect(s.dimensionSearch.user).toEqual({ prefix: 'a', values: msg.values, total: 1 });
  });
});

describe('health names the project matched in the shared folder', () => {
  it('says how many runs of other projects are not shown', () => {
    renderApp();
    const health = {
      ...fixtureHealth,
      scopes: [{ path: '/home/u/.attune/telemetry', project: 'shop', matched_by: 'folder' as const, shown_runs: 5, hidden_runs: 412, hidden_projects: 3 }],
    };
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ health }) });
    const line = screen.getByTestId('health-scope').textContent!;
    expect(line).toContain('project “shop”');
    expect(line).toContain('workspace folder’s name');
    expect(line).toContain('412 runs of 3 other projects not shown');
  });
});

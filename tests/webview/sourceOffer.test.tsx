import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import { emptySnapshot, fixtureSnapshot } from './support/fixtureSnapshot';
import { renderApp, send } from './support/harness';
import { initialState, reducer, selectOffer } from '../../webview/src/state/reducer';

afterEach(() => vi.restoreAllMocks());

const CLAUDE = { source: 'claude-code', label: 'Claude Code', path: '/home/u/.claude/projects/-work-demo' };
const CODEX = { source: 'codex', label: 'Codex CLI', path: '/home/u/.codex/sessions' };

describe('the source offer', () => {
  it('shows the first unanswered offer once the extension said what was answered', () => {
    const { vscode } = renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot({ offers: [CLAUDE, CODEX] }) });
    expect(screen.queryByTestId('source-offer')).toBeNull(); // not before `offers`
    send({ type: 'offers', dismissed: [] });
    const card = screen.getByTestId('source-offer');
    expect(card.textContent).toContain('Claude Code usage for this folder found — show it?');
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(vscode.posted.at(-1)).toEqual({ type: 'enableSource', source: 'claude-code' });
    // Answered: the next one is offered, and Dismiss says so.
    expect(screen.getByTestId('source-offer').getAttribute('data-source')).toBe('codex');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(vscode.posted.at(-1)).toEqual({ type: 'dismissOffer', source: 'codex' });
    expect(screen.queryByTestId('source-offer')).toBeNull();
  });

  it('is offered above the empty state too, and never for a dismissed source', () => {
    renderApp();
    send({ type: 'offers', dismissed: ['codex'] });
    send({ type: 'snapshot', snapshot: { ...emptySnapshot(), offers: [CODEX] } });
    expect(screen.queryByTestId('source-offer')).toBeNull();
    send({ type: 'snapshot', snapshot: { ...emptySnapshot(), version: 9, offers: [CODEX, CLAUDE] } });
    expect(screen.getByTestId('source-offer').getAttribute('data-source')).toBe('claude-code');
  });

  it('reducer: answered offers are remembered until the extension replaces the list', () => {
    let s = reducer(initialState(), { type: 'snapshot', snapshot: fixtureSnapshot({ offers: [CLAUDE] }) });
    expect(selectOffer(s)).toBeNull();
    s = reducer(s, { type: 'offers', dismissed: [] });
    expect(selectOffer(s)).toEqual(CLAUDE);
    s = reducer(s, { type: 'offerAnswered', source: 'claude-code' });
    expect(selectOffer(s)).toBeNull();
    expect(s.answeredOffers).toEqual(['claude-code']);
  });

  it('drops a malformed offers message', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    renderApp();
    send({ type: 'offers', dismissed: 'codex' });
    expect(warn).toHaveBeenCalledOnce();
  });
});

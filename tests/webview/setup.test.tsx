// The set-up card: drawn from the extension's state as sent, its buttons post setupAction.
import { describe, expect, it } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import { parseExtensionMessage as parseIncoming, type SetupView } from '../../webview/src/protocol';
import { fixtureSnapshot } from './support/fixtureSnapshot';
import { lastPosted, renderApp, send } from './support/harness';

const failed: SetupView = {
  kind: 'failed',
  title: 'Set-up failed',
  message: 'The package index could not be reached.',
  detail: 'Check the network connection and PIP_INDEX_URL, then Retry.',
  progress: 'Failed at: Step 2 of 2: installing empathy-monitor 0.1.0',
  actions: [
    { action: 'retry', label: 'Retry' },
    { action: 'chooseInterpreter', label: 'Choose interpreter' },
    { action: 'showLogs', label: 'Show logs' },
  ],
};

describe('set-up state', () => {
  it('shows the sentence, the fix and the buttons instead of "unavailable", and no "stopped" banner', () => {
    const { vscode } = renderApp();
    send({ type: 'status', state: 'error', message: 'No usable Python interpreter (see the logs).' });
    send({ type: 'setup', setup: failed });
    expect(screen.getByRole('heading', { name: 'Set-up failed' })).toBeTruthy();
    expect(screen.getByText('The package index could not be reached.')).toBeTruthy();
    expect(screen.getByText(/PIP_INDEX_URL/)).toBeTruthy();
    expect(screen.queryByText(/Telemetry is unavailable/)).toBeNull();
    expect(screen.queryByText(/sidecar stopped/)).toBeNull();
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Retry', 'Choose interpreter', 'Show logs']);
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(lastPosted(vscode)).toEqual({ type: 'setupAction', action: 'retry' });
  });

  it('while installing: "Setting up…" with the step, busy, and Cancel', () => {
    const { vscode } = renderApp();
    send({
      type: 'setup',
      setup: {
        kind: 'installing',
        title: 'Setting up…',
        message: 'Creating a private Python environment for the telemetry sidecar.',
        progress: 'Step 2 of 2: installing: the package index could not be reached; retrying (3 retries left)…',
        actions: [{ action: 'cancel', label: 'Cancel' }, { action: 'showLogs', label: 'Show logs' }],
      },
    });
    expect(screen.getByTestId('setup').getAttribute('aria-busy')).toBe('true');
    expect(screen.getByTestId('setup-progress').textContent).toContain('retrying (3 retries left)');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(lastPosted(vscode)).toEqual({ type: 'setupAction', action: 'cancel' });
  });

  it('null clears it; with a snapshot the card sits above the numbers', () => {
    renderApp();
    send({ type: 'setup', setup: failed });
    send({ type: 'setup', setup: null });
    expect(screen.queryByTestId('setup')).toBeNull();
    send({ type: 'snapshot', snapshot: fixtureSnapshot() });
    send({ type: 'setup', setup: { ...failed, kind: 'sidecarTooOld', title: 'The sidecar is too old for this extension' } });
    expect(screen.getByTestId('setup').getAttribute('data-kind')).toBe('sidecarTooOld');
  });

  it('a malformed set-up message is dropped', () => {
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      expect(parseIncoming({ type: 'setup', setup: { ...failed, actions: [{ action: 'rm', label: 'x' }] } })).toBeNull();
      expect(parseIncoming({ type: 'setup', setup: { ...failed, kind: 'other' } })).toBeNull();
      expect(parseIncoming({ type: 'setup', setup: null })).toEqual({ type: 'setup', setup: null });
    } finally {
      console.warn = warn;
    }
  });
});

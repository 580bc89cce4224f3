/** The step filter: a select beside the workflow one, listing the snapshot's `filter_options.step`. */
import { describe, expect, it } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import { fixtureSnapshot } from './support/fixtureSnapshot';
import { lastPosted, renderApp, send } from './support/harness';
import { withFilter } from '../../webview/src/state/reducer';

const opt = (value: string, calls: number, cost: number) => ({ value, calls, cost });

function renderWithSteps() {
  const result = renderApp();
  const base = fixtureSnapshot();
  const filter_options = { ...base.filter_options, step: [opt('analyze', 3, 1.5), opt('classify', 2, 0.25)] };
  send({ type: 'snapshot', snapshot: fixtureSnapshot({ filter_options }) });
  return result;
}

const stepSelect = () => screen.getByLabelText('Step') as HTMLSelectElement;

describe('the step filter', () => {
  it('lists the steps the sidecar sent, applies one with its workflow and clears it', () => {
    const { vscode } = renderWithSteps();
    expect(Array.from(stepSelect().options).map((o) => o.value)).toEqual(['', 'analyze', 'classify']);
    fireEvent.change(screen.getByLabelText('Workflow'), { target: { value: 'doc-gen' } });
    fireEvent.change(stepSelect(), { target: { value: 'analyze' } });
    expect(lastPosted(vscode)).toEqual({ type: 'setView', range: '7d', filters: { workflow: 'doc-gen', step: 'analyze' } });
    expect(vscode.state).toMatchObject({ filters: { workflow: 'doc-gen', step: 'analyze' } });
    fireEvent.change(stepSelect(), { target: { value: '' } });
    expect(lastPosted(vscode)).toEqual({ type: 'setView', range: '7d', filters: { workflow: 'doc-gen' } });
  });

  it('shows the workflow and step a lens opened the panel on (uiState), even a step not listed', () => {
    renderWithSteps();
    send({ type: 'uiState', range: '30d', filters: { workflow: 'doc-gen', step: 'critique' } });
    expect((screen.getByLabelText('Workflow') as HTMLSelectElement).value).toBe('doc-gen');
    expect(stepSelect().value).toBe('critique');
  });

  it('drops the step when another workflow is picked (a step belongs to its workflow)', () => {
    const { vscode } = renderWithSteps();
    send({ type: 'uiState', range: '7d', filters: { workflow: 'doc-gen', step: 'analyze' } });
    fireEvent.change(screen.getByLabelText('Workflow'), { target: { value: 'code-review' } });
    expect(lastPosted(vscode)).toEqual({ type: 'setView', range: '7d', filters: { workflow: 'code-review' } });
    expect(withFilter({ workflow: 'a', step: 's' }, 'workflow', 'a')).toEqual({ workflow: 'a', step: 's' });
    expect(withFilter({ workflow: 'a', step: 's' }, 'provider', 'openai')).toEqual({ workflow: 'a', step: 's', provider: 'openai' });
    expect(withFilter({ step: 's' }, 'workflow', '')).toEqual({ step: 's' });
  });
});

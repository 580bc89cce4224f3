import { afterEach, describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import { Chart as ChartJS } from 'chart.js';
import { fixtureSnapshot } from './support/fixtureSnapshot';
import { renderApp, send } from './support/harness';
import { readThemeColors } from '../../webview/src/theme';

afterEach(() => {
  document.body.className = '';
  document.body.removeAttribute('style');
});

const canvasIn = (name: string) => within(screen.getByRole('region', { name })).getByRole('img') as HTMLCanvasElement;

describe('charts', () => {
  it('one real Chart.js instance per canvas, updated in place and destroyed on unmount', () => {
    const { unmount } = renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot() });
    const canvas = canvasIn('Cost over time');
    const chart = ChartJS.getChart(canvas);
    expect(chart).toBeDefined();
    expect(chart!.data.datasets[0]!.data).toEqual([3.2, 4.1, 5.0456]);

    const series = [...fixtureSnapshot().cost_series, { date: '2026-11-28', cost: 1, calls: 1, errors: 0, input_tokens: 1, output_tokens: 1, by_provider: {} }];
    send({ type: 'update', update: { version: 13, baseVersion: 12, changed: { cost_series: series } } });
    expect(canvasIn('Cost over time')).toBe(canvas);
    expect(ChartJS.getChart(canvas)).toBe(chart);
    expect(chart!.data.datasets[0]!.data).toEqual([3.2, 4.1, 5.0456, 1]);
    expect(chart!.data.labels).toHaveLength(4);

    const doughnut = ChartJS.getChart(canvasIn('Cost by provider'))!;
    expect(doughnut.data.labels).toEqual(['anthropic', 'openai', 'google']);
    unmount();
    expect(ChartJS.getChart(canvas)).toBeUndefined();
  });

  it('re-colours from --vscode-* variables when the body theme class changes', async () => {
    renderApp();
    send({ type: 'snapshot', snapshot: fixtureSnapshot() });
    const chart = ChartJS.getChart(canvasIn('Cost over time'))!;
    const tier = ChartJS.getChart(canvasIn('Cost and calls by tier'))!;
    const before = chart.data.datasets[0]!.borderColor;

    await act(async () => {
      document.body.style.setProperty('--vscode-charts-blue', 'rgb(1, 2, 3)');
      document.body.style.setProperty('--vscode-charts-orange', 'rgb(4, 5, 6)');
      document.body.style.setProperty('--vscode-charts-foreground', 'rgb(7, 8, 9)');
      document.body.className = 'vscode-high-contrast';
      await Promise.resolve();
    });
    await waitFor(() => expect(chart.data.datasets[0]!.borderColor).toBe('rgb(1, 2, 3)'));
    expect(before).not.toBe('rgb(1, 2, 3)');
    expect(ChartJS.getChart(canvasIn('Cost over time'))).toBe(chart);
    expect(tier.data.datasets[1]!.backgroundColor).toBe('rgb(4, 5, 6)');
    expect(readThemeColors().kind).toBe('vscode-high-contrast');
    expect(readThemeColors().foreground).toBe('rgb(7, 8, 9)');
  });

  it('reads the theme kind from data-vscode-theme-kind and falls back without variables', () => {
    document.body.setAttribute('data-vscode-theme-kind', 'vscode-light');
    const colors = readThemeColors();
    expect(colors.kind).toBe('vscode-light');
    expect(colors.palette.every((c) => c === colors.foreground)).toBe(true);
    document.body.removeAttribute('data-vscode-theme-kind');
    expect(readThemeColors().kind).toBe('unknown');
  });
});

/**
 * Issue 12, item 10: every series colour keeps 3:1 against the panel in Light, Dark and High
 * Contrast, and status badge text keeps 4.5:1 against its fill. The variables are the ones VS Code
 * 1.139 sets for its built-in themes (theme-defaults/*.json plus the registered colour defaults).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { contrast, over, parseColor, withContrast, type Rgb } from '../../webview/src/contrast';
import { applyStatusVars, readThemeColors, SERIES_CONTRAST, STATUS_VARS, TEXT_CONTRAST } from '../../webview/src/theme';

const THEMES: Record<string, { kind: string; vars: Record<string, string> }> = {
  'Light Modern': {
    kind: 'vscode-light',
    vars: {
      '--vscode-editor-background': '#ffffff',
      '--vscode-editorWidget-background': '#f8f8f8',
      '--vscode-foreground': '#3b3b3b',
      '--vscode-charts-foreground': '#3b3b3b',
      '--vscode-charts-blue': '#0063d3',
      '--vscode-charts-orange': '#ea5c0055',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-red': '#e51400',
    },
  },
  'Dark Modern': {
    kind: 'vscode-dark',
    vars: {
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editorWidget-background': '#202020',
      '--vscode-foreground': '#cccccc',
      '--vscode-charts-foreground': '#cccccc',
      '--vscode-charts-blue': '#59a4f9',
      '--vscode-charts-orange': 'rgba(234, 92, 0, 0.333)',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-red': '#f14c4c',
    },
  },
  'Dark High Contrast': {
    kind: 'vscode-high-contrast',
    vars: {
      '--vscode-editor-background': '#000000',
      '--vscode-editorWidget-background': '#0c141f',
      '--vscode-foreground': '#ffffff',
      '--vscode-charts-foreground': '#ffffff',
      '--vscode-charts-blue': '#59a4f9',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#ffd370',
      '--vscode-charts-red': '#f48771',
    },
  },
  'Light High Contrast': {
    kind: 'vscode-high-contrast-light',
    vars: {
      '--vscode-editor-background': '#ffffff',
      '--vscode-editorWidget-background': '#ffffff',
      '--vscode-foreground': '#292929',
      '--vscode-charts-foreground': '#292929',
      '--vscode-charts-blue': '#0063d3',
      '--vscode-charts-green': '#374e06',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-yellow': '#895503',
      '--vscode-charts-red': '#b5200d',
    },
  },
};

function applyTheme(name: string): void {
  const t = THEMES[name]!;
  document.body.removeAttribute('style');
  for (const [k, v] of Object.entries(t.vars)) document.body.style.setProperty(k, v);
  document.body.className = t.kind;
}

afterEach(() => {
  document.body.className = '';
  document.body.removeAttribute('style');
  document.documentElement.removeAttribute('style');
});

const rgb = (css: string): Rgb => {
  const c = parseColor(css);
  if (!c) throw new Error(`not a colour: ${css}`);
  return c;
};

describe('contrast helpers', () => {
  it('parses hex and rgb(a), and measures WCAG contrast', () => {
    expect(parseColor('#fff')).toEqual({ r: 255, g: 255, b: 255, a: 1 });
    expect(parseColor('#ea5c0055')!.a).toBeCloseTo(0x55 / 255);
    expect(parseColor('rgba(1, 2, 3, 0.5)')).toEqual({ r: 1, g: 2, b: 3, a: 0.5 });
    expect(parseColor('var(--x)')).toBeUndefined();
    expect(contrast(rgb('#000'), rgb('#fff'))).toBeCloseTo(21);
    expect(contrast(rgb('#767676'), rgb('#fff'))).toBeCloseTo(4.54, 1);
  });

  it('withContrast always reaches the ratio, even against a mid-grey background', () => {
    for (const bg of ['#777777', '#ffffff', '#000000', '#3c3c3c']) {
      for (const c of ['#808080', '#ffff00', '#000080', '#ea5c0055']) {
        expect(contrast(withContrast(rgb(c), [rgb(bg)], 3), rgb(bg))).toBeGreaterThanOrEqual(3);
      }
    }
  });
});

describe.each(Object.keys(THEMES))('%s', (name) => {
  it("every series colour is ≥ 3:1 against the editor and the panel background", () => {
    applyTheme(name);
    const colors = readThemeColors();
    const editor = rgb(THEMES[name]!.vars['--vscode-editor-background']!);
    const panel = over(rgb(THEMES[name]!.vars['--vscode-editorWidget-background']!), editor);
    expect(colors.palette).toHaveLength(6);
    for (const c of [...colors.palette, colors.error]) {
      const solid = over(rgb(c), panel);
      expect(contrast(solid, editor), `${c} on editor`).toBeGreaterThanOrEqual(SERIES_CONTRAST);
      expect(contrast(solid, panel), `${c} on panel`).toBeGreaterThanOrEqual(SERIES_CONTRAST);
    }
    // The series stay distinct (none collapsed onto the text colour).
    expect(new Set(colors.palette).size).toBe(6);
  });

  it("status badges: text ≥ 4.5:1 on the fill, fill ≥ 3:1 on the panel, written to --et-status-*", () => {
    applyTheme(name);
    const colors = readThemeColors();
    const panel = over(rgb(THEMES[name]!.vars['--vscode-editorWidget-background']!), rgb(THEMES[name]!.vars['--vscode-editor-background']!));
    for (const s of Object.values(colors.status)) {
      const fill = over(rgb(s.fill), panel);
      expect(contrast(over(rgb(s.text), fill), fill), `${s.text} on ${s.fill}`).toBeGreaterThanOrEqual(TEXT_CONTRAST);
      expect(contrast(fill, panel)).toBeGreaterThanOrEqual(SERIES_CONTRAST);
    }
    applyStatusVars(colors);
    expect(document.documentElement.style.getPropertyValue(STATUS_VARS.warn.text)).toBe(colors.status.warn.text);
    expect(document.documentElement.style.getPropertyValue(STATUS_VARS.ok.fill)).toBe(colors.status.ok.fill);
  });
});

it('keeps a colour the theme already made readable', () => {
  applyTheme('Dark Modern');
  expect(readThemeColors().palette[0]).toBe('rgb(89, 164, 249)');
});

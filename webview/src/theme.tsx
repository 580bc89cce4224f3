/**
 * Chart colours from the `--vscode-*` CSS variables, re-read whenever VS Code switches theme.
 *
 * VS Code marks the theme with a class on <body> (vscode-light / vscode-dark / vscode-high-contrast[-light])
 * and a `data-vscode-theme-kind` attribute; one MutationObserver watches both and every chart re-colours
 * in place through react-chartjs-2's update.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { over, parseColor, textOn, toCss, withContrast } from './contrast';

export interface ThemeColors {
  /** Series colours, in order. */
  palette: string[];
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  error: string;
  fontFamily: string;
  /** Body class that triggered this read; handy for tests and debugging. */
  kind: string;
  /** Status badge fill and text (ok / pending / failing), as CSS colours; see STATUS_VARS. */
  status: Record<StatusKind, { fill: string; text: string }>;
}

export type StatusKind = 'ok' | 'warn' | 'error';

/** Series and the chart lines need 3:1 against the panel (WCAG 1.4.11); badge text 4.5:1 (1.4.3). */
export const SERIES_CONTRAST = 3;
export const TEXT_CONTRAST = 4.5;

const SERIES_VARS = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-yellow',
  '--vscode-charts-red',
];

/**
 * VS Code's own defaults for the series, by theme kind: used when a theme leaves a chart colour out
 * (High Contrast has no charts.orange, whose default is a translucent find-match highlight).
 */
const DARK_SERIES = ['#59a4f9', '#f38518', '#89d185', '#b180d7', '#cca700', '#f14c4c'];
const LIGHT_SERIES = ['#0063d3', '#c25400', '#388a34', '#652d90', '#bf8803', '#e51400'];

/** The CSS variables the status badges and dots use (styles.css), set on <html> by ThemeProvider. */
export const STATUS_VARS: Record<StatusKind, { fill: string; text: string }> = {
  ok: { fill: '--et-status-ok', text: '--et-status-ok-text' },
  warn: { fill: '--et-status-warn', text: '--et-status-warn-text' },
  error: { fill: '--et-status-error', text: '--et-status-error-text' },
};

/** Last resort when no --vscode-* variable is defined at all (tests, a plain browser). */
const NEUTRAL = 'gray';

function isLight(kind: string): boolean {
  return kind === 'vscode-light' || kind === 'vscode-high-contrast-light';
}

export function readThemeColors(element: HTMLElement = document.body): ThemeColors {
  const style = getComputedStyle(element);
  const read = (...names: string[]): string => {
    for (const name of names) {
      const value = style.getPropertyValue(name).trim();
      if (value) return value;
    }
    return '';
  };
  const foreground = read('--vscode-charts-foreground', '--vscode-foreground', '--vscode-editor-foreground') || NEUTRAL;
  const background = read('--vscode-editor-background', '--vscode-sideBar-background') || 'transparent';
  const kind = themeKind(element);
  const raw = {
    palette: SERIES_VARS.map((name) => read(name)),
    error: read('--vscode-charts-red', '--vscode-errorForeground'),
  };
  // Charts are drawn on the panels (editorWidget background), the badges too; the page is the editor's.
  const editorBg = parseColor(background);
  const panelBg = parseColor(read('--vscode-editorWidget-background'));
  const backgrounds = editorBg?.a === 1 ? [editorBg, ...(panelBg ? [over(panelBg, editorBg)] : [])] : [];
  const readable = (value: string, fallback: string): string => {
    const c = parseColor(value || fallback);
    return c && backgrounds.length ? toCss(withContrast(c, backgrounds, SERIES_CONTRAST)) : value || foreground;
  };
  // Without a parseable opaque background (a plain browser, a test) the theme's values are used as they are.
  const defaults = isLight(kind) ? LIGHT_SERIES : DARK_SERIES;
  const palette = raw.palette.map((v, i) => readable(v, backgrounds.length ? defaults[i]! : ''));
  const error = readable(raw.error, backgrounds.length ? defaults[5]! : '');
  const badgeText = parseColor(background);
  const badge = (value: string): { fill: string; text: string } => {
    const fill = parseColor(value);
    if (!fill || !backgrounds.length) return { fill: value || foreground, text: background };
    return { fill: value, text: toCss(textOn(fill, badgeText, TEXT_CONTRAST)) };
  };
  return {
    palette,
    foreground,
    muted: read('--vscode-descriptionForeground') || foreground,
    grid: read('--vscode-charts-lines', '--vscode-panel-border', '--vscode-widget-border') || foreground,
    background,
    error,
    fontFamily: read('--vscode-font-family') || 'sans-serif',
    kind,
    status: { ok: badge(palette[2]!), warn: badge(palette[4]!), error: badge(error) },
  };
}

/** Writes the badge colours where styles.css reads them (CSSOM: allowed under the panel's CSP). */
export function applyStatusVars(colors: ThemeColors, root: HTMLElement = document.documentElement): void {
  for (const k of Object.keys(STATUS_VARS) as StatusKind[]) {
    root.style.setProperty(STATUS_VARS[k].fill, colors.status[k].fill);
    root.style.setProperty(STATUS_VARS[k].text, colors.status[k].text);
  }
}

function themeKind(element: HTMLElement): string {
  const fromAttr = element.getAttribute('data-vscode-theme-kind');
  if (fromAttr) return fromAttr;
  const cls = Array.from(element.classList).find((c) => c.startsWith('vscode-'));
  return cls ?? 'unknown';
}

/** Colours that follow the theme: re-read on every class/attribute change of <body>. */
export function useThemeColorsSource(): ThemeColors {
  const [colors, setColors] = useState<ThemeColors>(() => readThemeColors());
  useEffect(() => {
    const observer = new MutationObserver(() => setColors(readThemeColors()));
    observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'style'] });
    return () => observer.disconnect();
  }, []);
  return colors;
}

const ThemeContext = createContext<ThemeColors | null>(null);

export function ThemeProvider({ children }: { children: ReactNode }) {
  const colors = useThemeColorsSource();
  useEffect(() => applyStatusVars(colors), [colors]);
  return <ThemeContext.Provider value={colors}>{children}</ThemeContext.Provider>;
}

export function useThemeColors(): ThemeColors {
  const ctx = useContext(ThemeContext);
  return ctx ?? readThemeColors();
}

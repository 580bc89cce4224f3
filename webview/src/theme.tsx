/**
 * Chart colours from the `--vscode-*` CSS variables, re-read whenever VS Code switches theme.
 *
 * VS Code marks the theme with a class on <body> (vscode-light / vscode-dark / vscode-high-contrast[-light])
 * and a `data-vscode-theme-kind` attribute; one MutationObserver watches both and every chart re-colours
 * in place through react-chartjs-2's update.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

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
}

const SERIES_VARS = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-yellow',
  '--vscode-charts-red',
];

/** Last resort when no --vscode-* variable is defined at all (tests, a plain browser). */
const NEUTRAL = 'gray';

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
  const palette = SERIES_VARS.map((name) => read(name) || foreground);
  return {
    palette,
    foreground,
    muted: read('--vscode-descriptionForeground') || foreground,
    grid: read('--vscode-charts-lines', '--vscode-panel-border', '--vscode-widget-border') || foreground,
    background: read('--vscode-editor-background', '--vscode-sideBar-background') || 'transparent',
    error: read('--vscode-charts-red', '--vscode-errorForeground') || foreground,
    fontFamily: read('--vscode-font-family') || 'sans-serif',
    kind: themeKind(element),
  };
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
  return <ThemeContext.Provider value={colors}>{children}</ThemeContext.Provider>;
}

export function useThemeColors(): ThemeColors {
  const ctx = useContext(ThemeContext);
  return ctx ?? readThemeColors();
}

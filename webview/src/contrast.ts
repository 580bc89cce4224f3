/**
 * WCAG 2 contrast for theme colours: parse what VS Code puts in `--vscode-*` (hex with or without
 * alpha, rgb()/rgba()), measure it against the panel background, and nudge a colour that is too faint
 * towards black or white until it is readable. Presentation only: no telemetry number passes here.
 */

export interface Rgb {
  r: number;
  g: number;
  b: number;
  /** 0–1 */
  a: number;
}

/** `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb(r, g, b)`, `rgba(r, g, b, a)`; undefined otherwise. */
export function parseColor(text: string): Rgb | undefined {
  const t = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(t);
  if (hex) {
    let h = hex[1]!;
    if (h.length <= 4) h = [...h].map((c) => c + c).join('');
    const n = (i: number): number => parseInt(h.slice(i, i + 2), 16);
    return { r: n(0), g: n(2), b: n(4), a: h.length === 8 ? n(6) / 255 : 1 };
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(t);
  if (fn) {
    const alpha = fn[4] === undefined ? 1 : fn[4].endsWith('%') ? parseFloat(fn[4]) / 100 : parseFloat(fn[4]);
    return { r: Number(fn[1]), g: Number(fn[2]), b: Number(fn[3]), a: Math.min(1, Math.max(0, alpha)) };
  }
  return undefined;
}

export function toCss({ r, g, b }: Rgb): string {
  return `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
}

/** `top` painted over the opaque `bottom`. */
export function over(top: Rgb, bottom: Rgb): Rgb {
  const mix = (x: number, y: number): number => x * top.a + y * (1 - top.a);
  return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a: 1 };
}

export function luminance({ r, g, b }: Rgb): number {
  const lin = (v: number): number => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two opaque colours, 1–21. */
export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const BLACK: Rgb = { r: 0, g: 0, b: 0, a: 1 };
const WHITE: Rgb = { r: 255, g: 255, b: 255, a: 1 };

/**
 * `color` made opaque (series are drawn solid), then moved towards black on a light background or
 * white on a dark one in small steps until it reaches `ratio` against every background. The hue of
 * the theme's own colour is kept as far as it can be.
 */
export function withContrast(color: Rgb, backgrounds: Rgb[], ratio: number): Rgb {
  const solid = { ...color, a: 1 };
  const ok = (c: Rgb): boolean => backgrounds.every((bg) => contrast(c, bg) >= ratio);
  if (ok(solid)) return solid;
  const light = backgrounds.reduce((s, bg) => s + luminance(bg), 0) / backgrounds.length > 0.18;
  for (const target of light ? [BLACK, WHITE] : [WHITE, BLACK]) {
    for (let step = 1; step <= 20; step++) {
      const c = over({ ...target, a: step / 20 }, solid);
      if (ok(c)) return c;
    }
  }
  return light ? BLACK : WHITE;
}

/** Text for a badge filled with `fill`: the theme's `preferred` if readable (≥ `ratio`), else black or white. */
export function textOn(fill: Rgb, preferred: Rgb | undefined, ratio = 4.5): Rgb {
  const shown = preferred && over(preferred, fill);
  if (shown && contrast(shown, fill) >= ratio) return shown;
  return contrast(BLACK, fill) >= contrast(WHITE, fill) ? BLACK : WHITE;
}

/**
 * Service colours for bars and the legend: one slot per service (by name, trace-model.ts), from a palette
 * whose colours stay apart from each other and readable on both themes; more services than colours reuse
 * them (the legend and the row's service name still tell them apart).
 */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#9c755f',
  '#ff9da7',
  '#5f9ed1',
  '#c85200',
  '#8cd17d',
  '#a0cbe8',
];

export const serviceColor = (slot: number): string => PALETTE[slot % PALETTE.length] ?? '#888888';

/** Black or white, whichever reads better on a palette colour (a label inside a bar). */
export function textOn(hex: string): string {
  const v = Number.parseInt(hex.slice(1), 16);
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin((v >> 16) & 255) + 0.7152 * lin((v >> 8) & 255) + 0.0722 * lin(v & 255);
  // Contrast against black is (l + 0.05) / 0.05, against white 1.05 / (l + 0.05): equal at l ≈ 0.179.
  return l > 0.179 ? '#000000' : '#ffffff';
}

/** Theme colours the canvas needs, read from the CSS tokens when drawing (the theme can change). */
export interface CanvasTheme {
  fg: string;
  muted: string;
  panel: string;
  border: string;
  hover: string;
  selected: string;
  bad: string;
  accent: string;
  match: string;
}

export function canvasTheme(el: Element): CanvasTheme {
  const s = getComputedStyle(el);
  const v = (name: string, fallback: string) => s.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--fg', '#15191e'),
    muted: v('--muted', '#58616c'),
    panel: v('--panel', '#ffffff'),
    border: v('--border', '#d5dae0'),
    hover: v('--row-hover', '#eef2f8'),
    selected: v('--row-selected', '#e3ecfb'),
    bad: v('--bad', '#c21d29'),
    accent: v('--accent', '#1f5fd1'),
    match: v('--warn-bg', '#fdf1d6'),
  };
}

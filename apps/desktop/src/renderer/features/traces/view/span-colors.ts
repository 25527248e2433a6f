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

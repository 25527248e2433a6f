/**
 * Sizes a trace-view canvas to `width × height` CSS pixels, sharp on high-density screens: the backing store
 * is resized (which clears it) only when its device-pixel size changed, and the context draws in CSS pixels.
 * Null when the canvas has no 2D context (lost), so the caller skips the frame.
 */
export function fitCanvas(
  el: HTMLCanvasElement,
  width: number,
  height: number,
): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  if (el.width !== w || el.height !== h) {
    el.width = w;
    el.height = h;
    el.style.width = `${width}px`;
    el.style.height = `${height}px`;
  }
  const ctx = el.getContext('2d');
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

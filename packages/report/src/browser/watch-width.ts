// An element's width, kept current by a ResizeObserver instead of read while drawing: reading
// clientWidth while a live batch is changing the page lays the whole page out again.

/** The element's width now; `changed` runs with the new width whenever it changes. */
export function watchWidth(element: HTMLElement, changed: (width: number) => void): number {
  let width = element.clientWidth;
  new ResizeObserver(() => {
    if (element.clientWidth === width) return;
    width = element.clientWidth;
    changed(width);
  }).observe(element);
  return width;
}

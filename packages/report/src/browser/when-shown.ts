// Work for a view nobody can see waits until it can be seen. A live page changes its model several
// times a second, and the views below the fold (the membership chart and matrix, the merged log)
// would redraw each time for no one; on a busy machine that work delays what is on screen. An
// update asked for while the view's element is off screen is kept (the newest of each kind) and
// run once the element comes near the viewport, or at once when the view's own control asks.
export class WhenShown {
  /** Until the observer first reports, the view counts as shown (nothing is held back). */
  private shown = true;
  private readonly pending = new Map<string, () => void>();

  constructor(element: Element, margin = "200px") {
    if (typeof IntersectionObserver === "undefined") return;
    new IntersectionObserver(
      (changes) => {
        this.shown = changes[changes.length - 1]!.isIntersecting;
        if (this.shown) this.flush();
      },
      { rootMargin: `${margin} 0px` },
    ).observe(element);
  }

  /** Runs `update` now when the view is shown; otherwise keeps it (replacing one of the same kind). */
  run(kind: string, update: () => void): void {
    if (!this.shown) {
      this.pending.set(kind, update);
      return;
    }
    this.pending.delete(kind);
    update();
  }

  /** Runs what waits, in the order it was first asked for. */
  flush(): void {
    const updates = [...this.pending.values()];
    this.pending.clear();
    for (const update of updates) update();
  }
}

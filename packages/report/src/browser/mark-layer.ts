// The diagram's marks as live SVG elements, keyed by their text: a redraw parses only the marks it
// has not drawn before and removes only those it no longer draws. A live batch adds a few marks at
// the bottom of the screen; rebuilding all of them (thousands of dots and edges) as one innerHTML
// held the page's main thread for hundreds of milliseconds per batch, with layout and paint after.
const SVG_NS = "http://www.w3.org/2000/svg";

export class MarkLayer {
  /** Each mark's text → its elements (the same text twice is two elements). */
  private drawn = new Map<string, Element[]>();
  private readonly parser = document.createElementNS(SVG_NS, "svg");

  constructor(readonly root: SVGGElement) {}

  /** Makes the layer's children exactly `marks`, in order (later marks paint over earlier ones). */
  update(marks: readonly string[]): void {
    const next = this.reuse(marks);
    this.removeStale();
    if (!this.parseMissing(marks, next)) return this.rebuild(marks);
    this.order(next as Element[]);
    this.index(marks, next as Element[]);
  }

  /** The elements already drawn for each mark; undefined where a mark is new. */
  private reuse(marks: readonly string[]): (Element | undefined)[] {
    return marks.map((mark) => this.drawn.get(mark)?.pop());
  }

  /** What reuse left in the pools is drawn no longer. */
  private removeStale(): void {
    for (const pool of this.drawn.values()) for (const element of pool) element.remove();
    this.drawn.clear();
  }

  /** Parses the new marks in one go; false when they did not come out one element each. */
  private parseMissing(marks: readonly string[], next: (Element | undefined)[]): boolean {
    const missing: number[] = [];
    next.forEach((element, i) => element ?? missing.push(i));
    if (missing.length === 0) return true;
    this.parser.innerHTML = missing.map((i) => marks[i]).join("");
    const made = [...this.parser.children];
    if (made.length !== missing.length) return false;
    missing.forEach((i, k) => (next[i] = made[k]));
    return true;
  }

  /** Puts the elements in mark order, moving only those out of place. */
  private order(next: readonly Element[]): void {
    let cursor = this.root.firstElementChild;
    for (const element of next) {
      if (element === cursor) cursor = cursor.nextElementSibling;
      else this.root.insertBefore(element, cursor);
    }
    while (cursor) {
      const after = cursor.nextElementSibling;
      cursor.remove();
      cursor = after;
    }
  }

  private index(marks: readonly string[], next: readonly Element[]): void {
    marks.forEach((mark, i) => {
      const pool = this.drawn.get(mark);
      if (pool) pool.push(next[i]!);
      else this.drawn.set(mark, [next[i]!]);
    });
  }

  /** A mark that is not one element (never expected): draw everything from its text. */
  private rebuild(marks: readonly string[]): void {
    this.root.innerHTML = marks.join("");
    this.drawn.clear();
    this.index(marks, [...this.root.children]);
  }
}

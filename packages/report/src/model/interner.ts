// Interned strings and large integers: a 50,000-event run names the same events, peers and node
// ids over and over, so each is written once and referred to by its index.
export class Interner<T extends string | number> {
  readonly values: T[];
  private readonly index = new Map<T, number>();

  constructor(values: T[] = []) {
    this.values = values;
    values.forEach((v, i) => this.index.set(v, i));
  }

  of(value: T): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(value, i);
    }
    return i;
  }
}

/** Integers this large are interned (ids, ports, pids); smaller numbers are cheaper written out. */
export const isInternedNumber = (v: number): boolean => Number.isInteger(v) && Math.abs(v) >= 1000;

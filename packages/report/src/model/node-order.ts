// Node names in node order (node2 before node10), with one collator: localeCompare with a locale
// and options builds a new one on every call, and the page and the live summary sort names often.
const COLLATOR = new Intl.Collator("en", { numeric: true });

export function compareNodeNames(a: string, b: string): number {
  return COLLATOR.compare(a, b);
}

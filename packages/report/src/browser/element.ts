// A page element made in one step: its tag and, optionally, its class and id.
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  id?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (id) e.id = id;
  return e;
}

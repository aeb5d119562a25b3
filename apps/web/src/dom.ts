/** Attributes of {@link h}: strings, `on…` listeners, or a `dataset` map. */
export type Attributes = Record<string, string | number | boolean | EventListener | Record<string, string> | undefined>;

/** Builds an element: `h("button", { class: "x", onclick: fn }, "Stop")`. Text children are escaped by the DOM. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Array<Node | string | undefined>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.replace(/^on/, ""), value);
    else if (name === "dataset" && typeof value === "object") Object.assign(element.dataset, value);
    else if (name === "style" && typeof value === "string") element.style.cssText = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== undefined) element.append(child);
  return element;
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Array<Node | string>): void {
  parent.replaceChildren(...children);
}

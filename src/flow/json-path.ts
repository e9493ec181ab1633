/**
 * The JSONPath a flow captures and checks with: `$`, `.name`, `['name']` and `[index]` (a negative
 * index counts from the end), e.g. `$.order.items[0].sku`. Filters and wildcards are not needed
 * to pick one value out of an answer, so they are refused at load rather than half-supported.
 */

export type JsonPath = (string | number)[];

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[\s*(-?\d+)\s*\]|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\])/;

/** Parses a path; throws an Error that shows where it stopped making sense. */
export function parseJsonPath(text: string): JsonPath {
  if (!text.startsWith('$')) throw new Error(`"${text}" is not a JSONPath; expected one starting with $, like $.id or $.items[0].sku`);
  const path: JsonPath = [];
  let rest = text.slice(1);
  while (rest.length > 0) {
    const match = SEGMENT.exec(rest);
    if (!match) {
      throw new Error(`"${text}": cannot read "${rest}"; expected .name, ['name'] or [index] (filters and wildcards are not supported)`);
    }
    const [whole, dotted, index, single, double] = match;
    path.push(dotted ?? (index !== undefined ? Number(index) : (single ?? double)!.replace(/\\(.)/g, '$1')));
    rest = rest.slice(whole.length);
  }
  return path;
}

/** The value at the path, or undefined when the document has nothing there. */
export function readJsonPath(document: unknown, path: JsonPath): unknown {
  let at = document;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(at)) return undefined;
      at = at[key < 0 ? at.length + key : key];
    } else {
      if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, key)) return undefined;
      at = (at as Record<string, unknown>)[key];
    }
  }
  return at;
}

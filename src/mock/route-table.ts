/**
 * A mock's routes in declaration order; the first that matches answers. Plain paths are
 * indexed by path, so a mock with many routes checks only the ones that can match.
 */
import type { MockRequest } from './request.js';
import type { Route } from './route.js';

export class RouteTable {
  private readonly byPath = new Map<string, Route[]>();
  /** Routes with a template, a regex or no path, which any path may match. */
  private readonly open: Route[] = [];

  constructor(readonly routes: Route[]) {
    for (const route of routes) {
      const path = route.matcher.exactPath;
      if (path === undefined) this.open.push(route);
      else if (this.byPath.has(path)) this.byPath.get(path)!.push(route);
      else this.byPath.set(path, [route]);
    }
  }

  /** The first route that matches, with `request.params` set; undefined when none does. */
  find(request: MockRequest): Route | undefined {
    let found: Route | undefined;
    const candidates = this.byPath.get(request.path);
    if (candidates) {
      for (let i = 0; i < candidates.length; i++) {
        const params = candidates[i].matcher.match(request);
        if (params) {
          found = candidates[i];
          request.params = params;
          break;
        }
      }
    }
    for (let i = 0; i < this.open.length; i++) {
      const route = this.open[i];
      if (found && route.index > found.index) break;
      const params = route.matcher.match(request);
      if (params) {
        request.params = params;
        return route;
      }
    }
    return found;
  }

  /** Routes by name or index, for a fault's `route:`; empty when none has it. */
  select(target: string | number): Route[] {
    return typeof target === 'number' ? this.routes.filter((r) => r.index === target) : this.routes.filter((r) => r.name === target);
  }
}

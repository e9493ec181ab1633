/**
 * The answer to a request no route matches: 404 with the closest routes and what differs, so a
 * test's author sees at once that the client sent `/v1/chat/completion` or forgot a header.
 */
import { Content } from './content.js';
import type { MockRequest } from './request.js';
import type { Route } from './route.js';

const SHOWN = 3;

/** The 404 content for an unmatched request. */
export function notFound(mock: string, routes: readonly Route[], request: MockRequest): Content {
  const closest = routes
    .map((route) => ({ route, mismatches: route.matcher.mismatches(request) }))
    .map((c) => ({ ...c, distance: distance(request, c.route, c.mismatches) }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, SHOWN)
    .map(({ route, mismatches }) => ({ route: route.name, mismatches }));
  return Content.json(404, {
    error: `no route of mock "${mock}" matches ${request.method} ${request.path}`,
    status: 404,
    closest,
  });
}

/** How far a request is from a route: a near-miss path weighs most (a typo), then each other differing part. */
function distance(request: MockRequest, route: Route, mismatches: string[]): number {
  const pathMissed = mismatches.some((m) => m.startsWith('path:'));
  const others = mismatches.length - (pathMissed ? 1 : 0);
  const shown = route.matcher.pathShown;
  const pathDistance = pathMissed ? 1 + (2 * editDistance(request.path, shown)) / Math.max(request.path.length, shown.length) : 0;
  return others * 0.5 + pathDistance;
}

function editDistance(a: string, b: string): number {
  const [x, y] = [a.slice(0, 200), b.slice(0, 200)];
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[y.length];
}

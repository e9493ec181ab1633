/** What the mock registry refuses, named so the control API can map each to its status. */

/** No mock by that name: 404. */
export class UnknownMockError extends Error {
  override name = 'UnknownMockError';
  constructor(mock: string, known: string[]) {
    super(`mock "${mock}" not found (have: ${known.join(', ') || 'none'})`);
  }
}

/** A mock by that name already runs: 409. */
export class MockExistsError extends Error {
  override name = 'MockExistsError';
  constructor(mock: string) {
    super(`mock "${mock}" already exists`);
  }
}

/** A fault names a route the mock does not have: 400 at `route`. */
export class UnknownRouteError extends Error {
  override name = 'UnknownRouteError';
  constructor(mock: string, route: string | number, known: string[]) {
    super(`mock "${mock}" has no route ${typeof route === 'number' ? `at index ${route}` : `named "${route}"`} (routes: ${known.join(', ') || 'none'})`);
  }
}

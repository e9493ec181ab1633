/** The one table from domain errors to API statuses, and listen errors worded once. */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenError, ListenError, listenOn } from '../../src/address.js';
import { ApiError, toApiError } from '../../src/control/errors.js';
import { MockExistsError, UnknownMockError, UnknownRouteError } from '../../src/mock/errors.js';
import { AlreadyExistsError, InvalidProxyInputError, NotFoundError, ResetIncompleteError, UpstreamRefusedError } from '../../src/proxy/errors.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});
const server = () => {
  const s = createServer();
  servers.push(s);
  return s;
};
const osError = (code: string) => Object.assign(new Error(`listen ${code}`), { code });
const answer = (error: unknown) => {
  const api = toApiError(error);
  return { status: api.status, error: api.message };
};

describe('toApiError', () => {
  it.each([
    [new NotFoundError('proxy', 'db'), 404, 'proxy not found'],
    [new AlreadyExistsError('proxy', 'db'), 409, 'proxy already exists'],
    [new NotFoundError('toxic', 'lag'), 404, 'toxic not found'],
    [new AlreadyExistsError('toxic', 'lag'), 409, 'toxic already exists'],
    [new InvalidProxyInputError('attributes.latency', 'expected a number'), 400, 'attributes.latency: expected a number'],
    [new InvalidProxyInputError(undefined, 'expected an object'), 400, 'expected an object'],
    [new UpstreamRefusedError('upstream', 'outside this machine'), 403, 'upstream: outside this machine'],
    [new ResetIncompleteError(['db: listen: x', 'cache: listen: y']), 400, 'db: listen: x; cache: listen: y'],
    [new UnknownMockError('llm', ['pay']), 404, 'mock "llm" not found (have: pay)'],
    [new MockExistsError('llm'), 409, 'mock "llm" already exists'],
    [new UnknownRouteError('pay', 'void', ['charge']), 400, 'route: mock "pay" has no route named "void" (routes: charge)'],
    [new ListenError('127.0.0.1:80', 'in_use', osError('EADDRINUSE')), 409, 'listen: 127.0.0.1:80 is already in use'],
    [new ListenError('10.9.9.9:80', 'not_local', osError('EADDRNOTAVAIL')).at('[1].listen'), 400, '[1].listen: 10.9.9.9:80 is not an address of this machine'],
    [new ListenError('0.0.0.0:80', 'no_permission', osError('EACCES')), 400, 'listen: no permission to listen on 0.0.0.0:80'],
    [new ListenError('nowhere.invalid:80', 'unresolvable', osError('ENOTFOUND')), 400, 'listen: host of nowhere.invalid:80 does not resolve'],
    [new ApiError(408, 'timed out'), 408, 'timed out'],
    [new Error('boom'), 500, 'boom'],
  ])('%s → %i', (error, status, message) => {
    expect(answer(error)).toEqual({ status, error: message });
  });
});

describe('listen errors', () => {
  it('a taken port rejects with a ListenError that keeps the OS code and says why for the log', async () => {
    const taken = server();
    const { port } = await listenOn(taken, '127.0.0.1:0');
    const error = await listenOn(server(), `127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenError);
    expect(error).toMatchObject({ code: 'EADDRINUSE', problem: 'in_use', address: `127.0.0.1:${port}`, reason: 'the port is already in use' });
  });

  it('an address that is not on this machine, and a host that does not resolve', async () => {
    await expect(listenOn(server(), '192.0.2.1:0')).rejects.toMatchObject({ problem: 'not_local', reason: 'the address is not available on this machine' });
    await expect(listenOn(server(), '256.1.1.1:0')).rejects.toMatchObject({ problem: 'unresolvable', message: 'listen: host of 256.1.1.1:0 does not resolve' });
  });

  it('other errors pass unchanged', () => {
    const other = osError('EMFILE');
    expect(listenError(other, '127.0.0.1:1')).toBe(other);
  });
});

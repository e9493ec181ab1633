/** safety.fault_ttl: a fault added at run time removes itself; removing it first, or its owner, cancels that. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FaultExpiry } from '../../src/fault-expiry.js';
import { ProxyRegistry } from '../../src/proxy/registry.js';
import { proxySchema, toxicSchema } from '../../src/proxy/schema.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('FaultExpiry', () => {
  it('expires each fault once, after the TTL', () => {
    const expiry = new FaultExpiry(100);
    const expired: string[] = [];
    expiry.schedule('db', 'lag', () => expired.push('db/lag'));
    vi.advanceTimersByTime(50);
    expiry.schedule('llm', 'f1', () => expired.push('llm/f1'));
    vi.advanceTimersByTime(50);
    expect(expired).toEqual(['db/lag']);
    vi.advanceTimersByTime(50);
    expect(expired).toEqual(['db/lag', 'llm/f1']);
    expect(expiry.size).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(expired).toHaveLength(2);
  });

  it('cancels one fault, every fault of an owner, or all', () => {
    const expiry = new FaultExpiry(100);
    const expired: string[] = [];
    for (const [owner, id] of [
      ['db', 'a'],
      ['db', 'b'],
      ['cache', 'a'],
      ['llm', 'x'],
    ])
      expiry.schedule(owner, id, () => expired.push(`${owner}/${id}`));
    expiry.cancel('db', 'a');
    expiry.cancel('cache');
    expect(expiry.size).toBe(2);
    vi.advanceTimersByTime(100);
    expect(expired).toEqual(['db/b', 'llm/x']);
    expiry.schedule('db', 'c', () => expired.push('db/c'));
    expiry.clear();
    vi.advanceTimersByTime(100);
    expect(expired).toEqual(['db/b', 'llm/x']);
  });

  it('schedules nothing without a TTL; a second schedule of one fault replaces the first', () => {
    const none = new FaultExpiry(undefined);
    none.schedule('db', 'a', () => expect.fail('no TTL, no expiry'));
    expect(none.size).toBe(0);
    const expiry = new FaultExpiry(100);
    const expired: string[] = [];
    expiry.schedule('db', 'a', () => expired.push('first'));
    vi.advanceTimersByTime(60);
    expiry.schedule('db', 'a', () => expired.push('second'));
    vi.advanceTimersByTime(60);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(40);
    expect(expired).toEqual(['second']);
  });
});

describe('ProxyRegistry with a fault TTL', () => {
  const idle = (name: string) => proxySchema.parse({ name, upstream: '127.0.0.1:1', enabled: false });
  const lag = toxicSchema.parse({ name: 'lag', type: 'latency', attributes: { latency: 10 } });

  it('removes a toxic added at run time after the TTL; one removed by hand first is not touched again', async () => {
    const proxies = new ProxyRegistry({ faultTtlMs: 100 });
    const proxy = await proxies.create(idle('db'));
    proxies.addToxic('db', lag);
    vi.advanceTimersByTime(100);
    expect(proxy.toxicList()).toEqual([]);
    proxies.addToxic('db', lag);
    proxies.removeToxic('db', 'lag');
    proxy.addToxic(lag); // declared, not run-time: never expires
    vi.advanceTimersByTime(1000);
    expect(proxy.toxicList().map((t) => t.name)).toEqual(['lag']);
    await proxies.closeAll();
  });

  it('a proxy removed and created again keeps its new toxic for its own TTL: the old expiry went with the old proxy', async () => {
    const proxies = new ProxyRegistry({ faultTtlMs: 100 });
    await proxies.create(idle('db'));
    proxies.addToxic('db', lag);
    vi.advanceTimersByTime(60);
    await proxies.remove('db');
    const again = await proxies.create({ ...idle('db'), toxics: [lag] });
    vi.advanceTimersByTime(60); // the old toxic's expiry would have fired here
    expect(again.toxicList().map((t) => t.name)).toEqual(['lag']);
    vi.advanceTimersByTime(40);
    expect(again.toxicList()).toEqual([]);
    await proxies.closeAll();
  });
});

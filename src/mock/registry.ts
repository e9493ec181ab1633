/**
 * Every mock of a run, by name: created from chaos-gate.yml or POST /mocks, reached by the
 * control API and chaos experiments (which inject and revert faults through here), all closed
 * at the end of the run.
 */
import { MockExistsError, UnknownMockError } from './errors.js';
import type { MockDefinition, MockFault } from './schema.js';
import { MockServer } from './server.js';

export interface MockRegistryOptions {
  /** Faults added at run time are removed after this many ms (safety.fault_ttl); unset: they stay. */
  faultTtlMs?: number;
}

export class MockRegistry {
  private readonly mocks = new Map<string, MockServer>();
  private readonly expiries = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: MockRegistryOptions = {}) {}

  /** Compiles and starts a mock; rejects with MockExistsError, a body file's read error, or the OS listen error (code EADDRINUSE…). */
  async create(definition: MockDefinition): Promise<MockServer> {
    if (this.mocks.has(definition.name)) throw new MockExistsError(definition.name);
    const mock = new MockServer(definition);
    // Claimed before listening, so two concurrent creates of one name cannot both start.
    this.mocks.set(definition.name, mock);
    try {
      await mock.listen();
    } catch (error) {
      this.mocks.delete(definition.name);
      throw error;
    }
    return mock;
  }

  get(name: string): MockServer | undefined {
    return this.mocks.get(name);
  }

  /** The mock by name; throws UnknownMockError. */
  require(name: string): MockServer {
    const mock = this.mocks.get(name);
    if (!mock) throw new UnknownMockError(name, [...this.mocks.keys()]);
    return mock;
  }

  list(): MockServer[] {
    return [...this.mocks.values()];
  }

  /** Closes and forgets one mock; false when there is none by that name. */
  async remove(name: string): Promise<boolean> {
    const mock = this.mocks.get(name);
    if (!mock) return false;
    this.mocks.delete(name);
    for (const fault of mock.faults) this.forgetExpiry(name, fault.id);
    await mock.close();
    return true;
  }

  /** Every mock back to as declared: injected faults removed, sequences and journals reset. */
  reset(): void {
    for (const timer of this.expiries.values()) clearTimeout(timer);
    this.expiries.clear();
    for (const mock of this.mocks.values()) mock.reset();
  }

  /** Switches a fault on for one route (`fault.route`) or the whole mock; returns its id. Throws UnknownMockError, UnknownRouteError. */
  addFault(mockName: string, fault: MockFault): string {
    const { id } = this.require(mockName).addFault(fault);
    if (this.options.faultTtlMs !== undefined) {
      const timer = setTimeout(() => {
        this.expiries.delete(`${mockName}\u0000${id}`);
        this.get(mockName)?.removeFault(id);
      }, this.options.faultTtlMs);
      timer.unref();
      this.expiries.set(`${mockName}\u0000${id}`, timer);
    }
    return id;
  }

  /** Switches a fault off; false when that mock has no fault with this id. Throws UnknownMockError. */
  removeFault(mockName: string, id: string): boolean {
    this.forgetExpiry(mockName, id);
    return this.require(mockName).removeFault(id);
  }

  /** Closes every mock: listeners and every live connection, hanging and streaming ones included. */
  async closeAll(): Promise<void> {
    for (const timer of this.expiries.values()) clearTimeout(timer);
    this.expiries.clear();
    const mocks = this.list();
    this.mocks.clear();
    await Promise.all(mocks.map((mock) => mock.close()));
  }

  private forgetExpiry(mockName: string, id: string): void {
    const key = `${mockName}\u0000${id}`;
    clearTimeout(this.expiries.get(key));
    this.expiries.delete(key);
  }
}

/**
 * Every mock of a run, by name: created from chaos-gate.yml or POST /mocks, reached by the
 * control API and chaos experiments (which inject and revert faults through here), all closed
 * at the end of the run.
 */
import { FaultExpiry } from '../fault-expiry.js';
import { MockExistsError, UnknownMockError } from './errors.js';
import type { MockDefinition, MockFault } from './schema.js';
import { MockServer } from './server.js';

export interface MockRegistryOptions {
  /** Faults added at run time are removed after this many ms (safety.fault_ttl); unset: they stay. */
  faultTtlMs?: number;
}

export class MockRegistry {
  private readonly mocks = new Map<string, MockServer>();
  /** Run-time faults, by mock and fault id, removed after safety.fault_ttl. */
  private readonly expiry: FaultExpiry;

  constructor(options: MockRegistryOptions = {}) {
    this.expiry = new FaultExpiry(options.faultTtlMs);
  }

  /** Compiles and starts a mock; rejects with MockExistsError, a body file's read error, or a ListenError (address in use…). */
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
    this.expiry.cancel(name);
    await mock.close();
    return true;
  }

  /** Every mock back to as declared: injected faults removed, sequences and journals reset. */
  reset(): void {
    this.expiry.clear();
    for (const mock of this.mocks.values()) mock.reset();
  }

  /** Switches a fault on for one route (`fault.route`) or the whole mock; returns its id. Throws UnknownMockError, UnknownRouteError. */
  addFault(mockName: string, fault: MockFault): string {
    const mock = this.require(mockName);
    const { id } = mock.addFault(fault);
    this.expiry.schedule(mockName, id, () => mock.removeFault(id));
    return id;
  }

  /** How many requests a fault has taken so far (its reach); undefined when that mock has no fault with this id. */
  faultTaken(mockName: string, id: string): number | undefined {
    return this.require(mockName).fault(id)?.applied;
  }

  /** Switches a fault off; false when that mock has no fault with this id. Throws UnknownMockError. */
  removeFault(mockName: string, id: string): boolean {
    const removed = this.require(mockName).removeFault(id);
    this.expiry.cancel(mockName, id);
    return removed;
  }

  /** Closes every mock: listeners and every live connection, hanging and streaming ones included. */
  async closeAll(): Promise<void> {
    this.expiry.clear();
    const mocks = this.list();
    this.mocks.clear();
    await Promise.all(mocks.map((mock) => mock.close()));
  }
}

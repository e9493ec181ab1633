/** The phase rule at its edges: a request counts in a phase only when it ran wholly inside it. */
import { describe, expect, it } from 'vitest';
import { phaseOf, unreachedBounds, type PhaseBounds } from '../../src/chaos/phases.js';

// Injected between 1000 and 1001 ms, reverted between 2000 and 2001 ms.
const bounds: PhaseBounds = { injecting: 1000, injected: 1001, reverting: 2000, reverted: 2001 };
const at = (start: number, end: number) => phaseOf({ start, latencyMs: end - start }, bounds);

describe('phaseOf', () => {
  it('counts a request in the phase it ran wholly inside', () => {
    expect(at(0, 1000)).toBe('steady');
    expect(at(1001, 2000)).toBe('fault');
    expect(at(1500, 1600)).toBe('fault');
    expect(at(2001, 2500)).toBe('recovery');
  });

  it('puts a request in flight when the fault starts or ends in the boundary bucket', () => {
    expect(at(999, 1000.5)).toBe('boundary'); // due before the fault, answered during it
    expect(at(1000.5, 1500)).toBe('boundary'); // sent while the fault was being injected
    expect(at(1999, 2000.5)).toBe('boundary'); // answered while it was being reverted
    expect(at(1500, 2500)).toBe('boundary'); // due during the fault, answered after it
    expect(at(500, 2500)).toBe('boundary'); // spans the whole fault
  });

  it('is steady until the fault is injected, and never recovery before the revert', () => {
    expect(phaseOf({ start: 5000, latencyMs: 1e6 }, unreachedBounds())).toBe('steady');
    const faultOn = { ...unreachedBounds(), injecting: 1000, injected: 1001 };
    expect(phaseOf({ start: 1500, latencyMs: 1e6 }, faultOn)).toBe('fault');
    expect(phaseOf({ start: 900, latencyMs: 200 }, faultOn)).toBe('boundary');
  });
});

/** Reading a fault's reach: in words, and whether it could have failed anything. */
import type { FaultReach } from './types.js';

/** A fault that reached no connection or no request could not have failed its experiment. */
export function isVacuous(reach: FaultReach): boolean {
  return reach.requests === 0 || reach.connections?.touched === 0 || reach.faulted_requests === 0;
}

/** "2 of 10 connections (1,200 bytes), 41 requests". */
export function describeReach(reach: FaultReach): string {
  const parts: string[] = [];
  if (reach.connections)
    parts.push(`${reach.connections.touched} of ${reach.connections.total} connections (${(reach.bytes ?? 0).toLocaleString('en-US')} bytes)`);
  if (reach.faulted_requests !== undefined) parts.push(`${reach.faulted_requests} requests at the ${reach.faulted_at ?? 'mock'}`);
  parts.push(`${reach.requests} requests`);
  return parts.join(', ');
}

/**
 * One client connection through a proxy: two sockets and a link for each direction.
 *
 *   client ──► Link (upstream stream)   ──► server
 *   client ◄── Link (downstream stream) ◄── server
 *
 * Both sockets are half-open capable: a client that shuts its write side still gets the reply.
 * A reset on one side is passed on as a reset to the other, as a real network path would.
 */
import type { Socket } from 'node:net';
import { Link } from './link.js';
import type { Stream } from './schema.js';
import type { Toxic } from './toxic.js';

/** Bytes read from the sending side and written to the receiving side, per direction. */
export interface DirectionBytes {
  received: number;
  sent: number;
}

/** How long a graceful close waits for pending writes before it gives up and destroys. */
const CLOSE_GRACE_MS = 2000;

export class Connection {
  private readonly links: Record<Stream, Link>;
  private openSockets = 2;
  private finished = false;

  constructor(
    readonly client: Socket,
    readonly server: Socket,
    toxics: Record<Stream, Toxic[]>,
    private readonly onClosed: (connection: Connection) => void,
  ) {
    const control = { close: () => this.close(), reset: () => this.reset() };
    for (const [socket, other] of [
      [client, server],
      [server, client],
    ] as const) {
      socket.on('error', (error: NodeJS.ErrnoException) => this.failed(other, error));
      socket.once('close', () => this.socketClosed());
    }
    this.links = {
      upstream: new Link(client, server, control, toxics.upstream),
      downstream: new Link(server, client, control, toxics.downstream),
    };
  }

  link(stream: Stream): Link {
    return this.links[stream];
  }

  /** Pending writes flushed, then FIN both ways; reads from now on are discarded. */
  close(): void {
    this.stopLinks();
    for (const socket of [this.client, this.server]) {
      if (socket.destroyed) continue;
      const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
      socket.end(() => socket.destroy());
    }
  }

  /** RST both ways. */
  reset(): void {
    this.stopLinks();
    for (const socket of [this.client, this.server]) if (!socket.destroyed) socket.resetAndDestroy();
  }

  /** Closes both sockets now (a FIN, or a RST when unread data remains, as the OS decides). */
  destroy(): void {
    this.stopLinks();
    this.client.destroy();
    this.server.destroy();
  }

  /** Resolves once both sockets are closed. */
  closed(): Promise<void> {
    if (this.openSockets === 0) return Promise.resolve();
    return new Promise((resolve) => {
      let left = 0;
      for (const socket of [this.client, this.server]) {
        if (socket.closed) continue;
        left++;
        socket.once('close', () => --left === 0 && resolve());
      }
      if (left === 0) resolve();
    });
  }

  /** Bytes per direction so far (kept by the sockets, so the data path counts nothing). */
  bytes(): Record<Stream, DirectionBytes> {
    return {
      upstream: { received: this.client.bytesRead, sent: this.server.bytesWritten },
      downstream: { received: this.server.bytesRead, sent: this.client.bytesWritten },
    };
  }

  private failed(other: Socket, error: NodeJS.ErrnoException): void {
    this.stopLinks();
    if (other.destroyed) return;
    if (error.code === 'ECONNRESET') other.resetAndDestroy();
    else other.destroy();
  }

  private socketClosed(): void {
    if (--this.openSockets > 0) return;
    this.stopLinks();
    if (this.finished) return;
    this.finished = true;
    this.onClosed(this);
  }

  private stopLinks(): void {
    this.links.upstream.destroy();
    this.links.downstream.destroy();
  }
}

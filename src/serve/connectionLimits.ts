// How many connections `clipforge serve` holds, so no client can use up its file descriptors:
// 1,100 sockets that never finished their headers made it stop answering at a 1,024-descriptor
// limit, and 3,000 WebSocket connections were all accepted. A cap in all, a cap per client
// address, and for WebSockets their own caps; what is over them is closed at once.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** TCP connections at once (HTTP and WebSocket): well under the usual 1,024 descriptors, leaving room for files and children. */
  total: number;
  /** From one client address. */
  perClient: number;
  /** WebSocket connections at once, and from one client address. */
  websockets: number;
  websocketsPerClient: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { total: 512, perClient: 64, websockets: 256, websocketsPerClient: 16 };

/** Counts open things by client address. */
class PerClient {
  private readonly open = new Map<string, number>();
  size = 0;
  count(address: string): number {
    return this.open.get(address) ?? 0;
  }
  add(address: string, closed: { once(event: 'close', fn: () => void): unknown }): void {
    this.open.set(address, this.count(address) + 1);
    this.size++;
    closed.once('close', () => {
      const n = this.count(address) - 1;
      if (n > 0) this.open.set(address, n);
      else this.open.delete(address);
      this.size--;
    });
  }
}

/** Applies the TCP caps to `server`; returns the check the WebSocket upgrade asks before accepting. */
export function limitConnections(server: Server, limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS): (socket: Socket) => boolean {
  server.maxConnections = limits.total;
  const sockets = new PerClient();
  server.on('connection', (socket: Socket) => {
    const from = socket.remoteAddress ?? '?';
    if (sockets.count(from) >= limits.perClient) return void socket.destroy();
    sockets.add(from, socket);
  });
  const websockets = new PerClient();
  return (socket: Socket) => {
    const from = socket.remoteAddress ?? '?';
    if (websockets.size >= limits.websockets || websockets.count(from) >= limits.websocketsPerClient) return false;
    websockets.add(from, socket);
    return true;
  };
}

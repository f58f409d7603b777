import net from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

/**
 * A TCP proxy to PostgreSQL whose open connections can be frozen: no byte passes either way, and every
 * socket stays open, as with a server that hangs or a network that drops its packets in a failover.
 * Connections opened after a freeze pass, as to the server that answers after a failover. Unlike stopping
 * PostgreSQL's processes with signals, it needs no rights over them, works wherever the server runs, and
 * leaves nothing stopped when a test fails: closing the proxy ends it all.
 */
export class PausableProxy {
  private readonly pairs = new Set<Pair>();
  private readonly server = net.createServer((client) => this.connect(client));

  constructor(private readonly target: { host: string; port: number }) {}

  /** Listens on a free local port; gives the URL `databaseUrl` would be through the proxy. */
  async start(databaseUrl: string): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String((this.server.address() as net.AddressInfo).port);
    return url.toString();
  }

  private connect(client: net.Socket): void {
    const upstream = net.connect(this.target);
    const pair = { client, upstream };
    this.pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  }

  /** The local ports of the clients connected now (the other end of each: the client's own socket). */
  get clientPorts(): number[] {
    return [...this.pairs].map(({ client }) => client.remotePort!);
  }

  /** Stops every open connection's bytes, both ways, its sockets left open. Returns how many it froze. */
  freeze(): number {
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    return this.pairs.size;
  }

  async close(): Promise<void> {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

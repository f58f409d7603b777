import { LRUCache } from 'lru-cache';
import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { CONNECT_TIMEOUT_MS } from '../db/database';

/** The channel the seeder and the generator notify when they change data. */
export const DATA_CHANGED_CHANNEL = 'kb_data_changed';

/**
 * How a cache's own heartbeat on DATA_CHANGED_CHANNEL begins its payload (see ResponseCache.start): such a
 * notification says nothing of the data, and the caches of other API processes on the database ignore it.
 */
const HEARTBEAT_PAYLOAD_PREFIX = 'heartbeat ';

/**
 * A kept response: its data's JSON as it was sent, cut out of the response's text. Hits send that text
 * again with extensions of their own (a hit used to write the whole answer again, a list page's 20 projects
 * with their partners, themes and territories, for a new request id).
 *
 * Keeping the text rather than the records also keeps the cache within its size: an entry counts the bytes
 * it was sent in, while the records behind them (entities with columns the query did not ask for, in
 * objects V8 lays out at several times their JSON's size) stayed in memory until a hit that may never come.
 */
export class KeptResponse {
  private tag?: string;

  constructor(
    private readonly dataJson: string,
    /** The extensions of the request that computed it (its statement count and cost among them). */
    readonly extensions: Record<string, unknown>,
  ) {}

  /**
   * The data's entity tag (see `dataTag`), made when a GET first asks for it: a POST, which is never
   * tagged, does not pay for hashing its answer (a fresh list page is kept after every computation).
   */
  get etag(): string {
    return (this.tag ??= dataTag(this.dataJson));
  }

  /** The response as sent on a hit: the kept data, with `extensions`. */
  body(extensions: Record<string, unknown>): string {
    return `{"data":${this.dataJson},"extensions":${JSON.stringify(extensions)}}`;
  }
}

/**
 * A weak entity tag of an answer's data: the same data gives the same tag whatever the extensions around
 * it (each answer's own request id among them), which is why it is weak (RFC 9110, 8.8.1).
 */
export function dataTag(dataJson: string): string {
  return `W/"${createHash('sha256').update(dataJson).digest('base64url')}"`;
}

/**
 * Whether an `If-None-Match` header names `etag`, compared weakly as RFC 9110 (13.1.2) has it for GET: a list
 * of tags, each with or without its `W/`, or `*`.
 */
export function noneMatchNames(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}

/**
 * The data's JSON within a response Apollo sent (`JSON.stringify({ errors, data, extensions })` and a
 * newline, errors absent), or undefined when the text is not of that form.
 */
export function sentDataJson(sent: string, extensions: Record<string, unknown>): string | undefined {
  const prefix = '{"data":';
  const suffix = `,"extensions":${JSON.stringify(extensions)}}`;
  const text = sent.endsWith('\n') ? sent.slice(0, -1) : sent;
  if (!text.startsWith(prefix) || !text.endsWith(suffix) || text.length < prefix.length + suffix.length) return undefined;
  return text.slice(prefix.length, text.length - suffix.length);
}

/**
 * Whole GraphQL responses of anonymous reads, kept in memory. The knowledge base is read-mostly and
 * changes only through seeding and imports, which notify DATA_CHANGED_CHANNEL in their transaction: the
 * cache empties when they commit. If the listening connection is lost, the cache empties and stays off
 * until it is back, so that it never serves data older than the database.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, KeptResponse>;
  /** The connection that listens; set only once it listens, so the cache is on exactly while it is set. */
  private listener?: Client;
  /** The connections of the cache on now: the listener, and the one its heartbeat is sent on where that is another. */
  private connections: Client[] = [];
  private reconnect?: NodeJS.Timeout;
  /** Asks the listening connection a question now and then: see `start`. */
  private heartbeatTimer?: NodeJS.Timeout;
  private stopped = false;
  /**
   * Counts the times the cache was emptied. A response computed before an emptying must not be kept
   * after it (it may hold the data that changed): `set` takes the generation seen when the request
   * missed, and keeps the response only if no emptying came in between.
   */
  private generation = 0;

  /** Connections opened to listen, the first and every reconnection (for the log and tests). */
  connectionAttempts = 0;

  /**
   * `maxBytes` bounds the memory the kept responses take (their sent size): one entry per distinct
   * request text, and a large page can be megabytes, so a count alone does not bound it. A response
   * larger than an eighth of it is not kept.
   */
  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
    maxEntries: number,
    maxBytes = 64 * 1024 * 1024,
    private readonly reconnectMs = 5000,
    private readonly heartbeat = { everyMs: 15_000, timeoutMs: 5_000 },
    /** The database the data is written to (DATABASE_URL), where it differs from the one listened to. */
    private readonly notifyUrl?: string,
  ) {
    this.entries = new LRUCache({ max: maxEntries, maxSize: maxBytes, maxEntrySize: Math.floor(maxBytes / 8) });
  }

  get active(): boolean {
    return this.listener !== undefined;
  }

  /** The generation to hand back to `set` with the response of a request that missed now. */
  get currentGeneration(): number {
    return this.generation;
  }

  async start(): Promise<void> {
    this.connectionAttempts++;
    const client = this.connection(this.databaseUrl);
    // Where the cache listens elsewhere than where the data is written (RESPONSE_CACHE_LISTEN_URL), its
    // heartbeat is sent where the data is, on a connection of its own: not through the API's pool, where
    // it waited behind requests for a connection under load, and the cache went off when it was most useful.
    const notifier = this.notifyUrl && this.notifyUrl !== this.databaseUrl ? this.connection(this.notifyUrl) : undefined;
    const clients = notifier ? [client, notifier] : [client];
    /** The heartbeat awaited now: its payload, and what to do when it comes back. */
    let awaited: { payload: string; heard: () => void } | undefined;
    client.on('notification', ({ payload = '' }) => {
      if (!payload.startsWith(HEARTBEAT_PAYLOAD_PREFIX)) return this.empty();
      if (payload === awaited?.payload) awaited.heard();
    });
    // A lost connection emits `error` and then `end`: whichever comes first counts, once per start.
    let lost = false;
    const onLost = (error: Error) => {
      if (lost) return;
      lost = true;
      this.lost(client, clients, error);
    };
    for (const each of clients) {
      each.on('error', onLost);
      each.on('end', () => onLost(new Error('connection ended')));
    }
    /** Stopped while connecting (a reconnection under way at shutdown): the cache stays off, its connections closed. */
    const stoppedMeanwhile = () => {
      if (!lost && !this.stopped) return false;
      lost = true;
      for (const each of clients) closeClient(each);
      return true;
    };
    try {
      await Promise.all(clients.map((each) => each.connect()));
      await client.query(`listen ${DATA_CHANGED_CHANNEL}`);
      if (stoppedMeanwhile()) return;
      // A connection can die without a word: a server that hangs, or a network that drops its packets (a
      // failover, a NAT's idle timeout). TCP keepalive alone notices the second only after about 11 minutes
      // (libuv sets the first probe's delay, the kernel's defaults the rest: 9 probes 75 s apart), and never
      // the first; all that time the cache would answer with data a seed may have changed. And a connection
      // can answer while hearing nothing: through a pooler in transaction mode (PgBouncer's), LISTEN stays
      // with a server connection the pooler hands to other clients, and no notification comes back. So a
      // notification with a payload of the cache's own is sent on the channel the seeder notifies (on the
      // data's database, `notifyUrl`, where the cache listens elsewhere), and the listening connection counts
      // as lost when it has not heard it in time: once before the cache goes on, then every `everyMs`. An
      // event loop held up for longer than the timeout can read an answer late that came in time: the cache
      // then empties and listens again, which costs it its entries, never its correctness.
      const { everyMs, timeoutMs } = this.heartbeat;
      const sender = notifier ?? client;
      const roundTrip = async (): Promise<void> => {
        const payload = `${HEARTBEAT_PAYLOAD_PREFIX}${randomUUID()}`;
        const heard = new Promise<void>((resolve) => (awaited = { payload, heard: resolve }));
        const answered = sender.query('select pg_notify($1, $2)', [DATA_CHANGED_CHANNEL, payload]);
        // Its failure, when the connection is closed under it, is the loss already handled.
        answered.catch(() => undefined);
        let late: NodeJS.Timeout | undefined;
        const timedOut = new Promise<never>((_resolve, reject) => {
          const hint = notifier ? '' : ' (behind a pooler in transaction mode, set RESPONSE_CACHE_LISTEN_URL to a direct connection)';
          late = setTimeout(() => reject(new Error(`the listening connection did not hear the cache's own notification within ${timeoutMs} ms${hint}`)), timeoutMs).unref();
        });
        try {
          await Promise.race([Promise.all([answered, heard]), timedOut]);
        } finally {
          clearTimeout(late);
          awaited = undefined;
        }
      };
      await roundTrip();
      if (stoppedMeanwhile()) return;
      this.listener = client;
      this.connections = clients;
      let asking = false;
      this.heartbeatTimer = setInterval(() => {
        // One round trip at a time: one still awaited is late.
        if (asking) return;
        asking = true;
        roundTrip().then(() => {
          asking = false;
        }, onLost);
      }, everyMs).unref();
    } catch (error) {
      onLost(error as Error);
    }
  }

  /**
   * A connection of the cache's. TCP keepalive: a connection dropped without a reset (a failover, an idle
   * NAT or load-balancer timeout) would otherwise look alive for as long as the system's TCP timeout while
   * notifications no longer arrive; with it, about 11 minutes, and the heartbeat notices within 20 s. A
   * connection attempt gives up after CONNECT_TIMEOUT_MS, as the pools' do, rather than the system's TCP timeout.
   */
  private connection(url: string): Client {
    return new Client({ connectionString: url, keepAlive: true, keepAliveInitialDelayMillis: 10_000, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  }

  private empty(): void {
    this.generation++;
    this.entries.clear();
  }

  private lost(client: Client, clients: Client[], error: Error): void {
    if (this.listener === client) {
      this.listener = undefined;
      this.connections = [];
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = undefined;
    }
    this.empty();
    for (const each of clients) closeClient(each);
    if (this.stopped || this.reconnect) return;
    this.logger.warn({ err: error }, `response cache off: lost the notification connection; retrying in ${this.reconnectMs} ms`);
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      if (!this.stopped) void this.start();
    }, this.reconnectMs).unref();
  }

  key(body: unknown): string {
    return createHash('sha256').update(JSON.stringify(body ?? null)).digest('base64url');
  }

  get(key: string): KeptResponse | undefined {
    return this.active ? this.entries.get(key) : undefined;
  }

  /**
   * Keeps a response (without errors) computed from the data of `generation` (see `generation`), sent as
   * the text `sent`. A text whose data cannot be cut out of it is not kept: the API's answers always carry
   * extensions (their request id), and Apollo writes them as `{"data":…,"extensions":…}`. Gives what it
   * kept, whose tag a GET's answer then carries without cutting the data out again.
   */
  set(key: string, response: { extensions?: Record<string, unknown> }, generation: number, sent: string): KeptResponse | undefined {
    if (!this.active || generation !== this.generation) return undefined;
    // Without extensions the end of the data could not be told from the end of extensions it did not know of.
    const { extensions } = response;
    if (extensions === undefined) return undefined;
    const dataJson = sentDataJson(sent, extensions);
    if (dataJson === undefined) return undefined;
    // A kept text's memory, not its bytes on the wire: V8 keeps a string with any character above U+00FF
    // (the apostrophes of French texts) at two bytes a character.
    const kept = new KeptResponse(dataJson, extensions);
    this.entries.set(key, kept, { size: Math.max(1, 2 * sent.length) });
    return kept;
  }

  /** How many responses are kept, and their size as sent. */
  get usage(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.entries.calculatedSize };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnect);
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    this.reconnect = undefined;
    const clients = this.connections;
    this.listener = undefined;
    this.connections = [];
    await Promise.all(clients.map(closeClient));
  }
}

/** How long a connection of the cache's may take to close politely before its socket is destroyed. */
const CLOSE_DEADLINE_MS = 1000;

/**
 * Closes a connection: politely (Terminate), and, should that not end within CLOSE_DEADLINE_MS, by
 * destroying its socket. node-postgres forces the socket closed only when a statement is awaited, and the
 * listening connection awaits none while its heartbeat goes through another: a stop must not depend on a
 * hung server's side of the close.
 */
function closeClient(client: Client): Promise<void> {
  return new Promise<void>((resolve) => {
    const deadline = setTimeout(() => {
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      resolve();
    }, CLOSE_DEADLINE_MS).unref();
    client.end().then(
      () => {
        clearTimeout(deadline);
        resolve();
      },
      () => {
        clearTimeout(deadline);
        resolve();
      },
    );
  });
}

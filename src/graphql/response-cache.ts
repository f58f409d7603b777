import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { Logger } from 'pino';

/** The channel the seeder and the generator notify when they change data. */
export const DATA_CHANGED_CHANNEL = 'kb_data_changed';

/**
 * Whole GraphQL responses of anonymous reads, kept in memory. The knowledge base is read-mostly and
 * changes only through seeding and imports, which notify DATA_CHANGED_CHANNEL in their transaction: the
 * cache empties when they commit. If the listening connection is lost, the cache empties and stays off
 * until it is back, so that it never serves data older than the database.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, Record<string, unknown>>;
  private listener?: Client;
  private listening = false;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
    maxEntries: number,
  ) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  get active(): boolean {
    return this.listening;
  }

  async start(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl });
    client.on('notification', () => this.entries.clear());
    client.on('error', (error) => this.lost(error));
    client.on('end', () => this.lost(new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`listen ${DATA_CHANGED_CHANNEL}`);
      this.listener = client;
      this.listening = true;
    } catch (error) {
      this.lost(error as Error);
    }
  }

  private lost(error: Error): void {
    if (!this.listening && this.listener === undefined && this.stopped) return;
    this.listening = false;
    this.listener = undefined;
    this.entries.clear();
    if (this.stopped) return;
    this.logger.warn({ err: error }, 'response cache off: lost the notification connection; retrying in 5 s');
    setTimeout(() => void (this.stopped ? undefined : this.start()), 5000).unref();
  }

  key(body: unknown): string {
    return createHash('sha256').update(JSON.stringify(body ?? null)).digest('base64url');
  }

  get(key: string): Record<string, unknown> | undefined {
    return this.listening ? this.entries.get(key) : undefined;
  }

  set(key: string, response: Record<string, unknown>): void {
    if (this.listening) this.entries.set(key, response);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
  }
}

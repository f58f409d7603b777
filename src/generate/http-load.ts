import { Worker } from 'node:worker_threads';

interface LoadOrder {
  endpoint: string;
  query: string;
  count: number;
  inFlight: number;
}

/**
 * The client's loop, run in a worker thread (it is sent there as source text, so it may use nothing from
 * this module's scope). Node's own HTTP client on kept-alive connections, `inFlight` requests at a time;
 * the first answer is checked whole, the others by their status only.
 */
/* istanbul ignore next -- a coverage run's counters would be undefined in the worker */
function clientLoop(): void {
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const http = require('node:http') as typeof import('node:http');
  const { endpoint, query, count, inFlight } = workerData as LoadOrder;
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const body = JSON.stringify({ query });
  const post = () =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(
        endpoint,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  const run = async () => {
    const first = await post();
    if (first.status !== 200 || (JSON.parse(first.text) as { errors?: unknown }).errors) throw new Error(`the operation fails: ${first.text}`);
    let left = count - 1;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (left-- > 0) {
          const response = await post();
          if (response.status !== 200) throw new Error(`a request failed: ${response.text}`);
        }
      }),
    );
    agent.destroy();
    parentPort!.postMessage({ done: true });
  };
  // Sent, not thrown: an unhandled rejection reaches the main thread only in Node's default mode.
  run().catch((error: Error) => parentPort!.postMessage({ failed: error.stack ?? String(error) }));
}

/**
 * Sends `query` to `endpoint` (a server in this process, listening on a local port) `count` times,
 * `inFlight` at a time, from a worker thread: over HTTP, as clients do (Fastify's `inject` keeps each
 * request past V8's minor collections, which a kept-alive connection does not), and on an isolate of its
 * own, so that a CPU profile of this one holds the server's work and not the client's.
 */
export function postRepeatedly(endpoint: string, query: string, count: number, inFlight = 1): Promise<void> {
  const order: LoadOrder = { endpoint, query, count, inFlight };
  const worker = new Worker(`(${clientLoop.toString()})()`, { eval: true, workerData: order });
  const done = new Promise<void>((resolve, reject) => {
    worker.once('message', (message: { done?: true; failed?: string }) => (message.done ? resolve() : reject(new Error(message.failed))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load worker exited (code ${code}) before it was done`)));
  });
  // Ended however the load ends, a caller that gave up included.
  return done.finally(() => void worker.terminate());
}

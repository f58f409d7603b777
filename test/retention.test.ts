import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startTestApp, TestApp } from './support/app';

/**
 * A request's objects must die young. V8 (Node 20) keeps some objects out of minor collections until the
 * next full one: an object literal's accessors live in a hidden class of the literal's own, and an object
 * made by a spread and then given a key of its own is kept too; whatever such an object holds is copied
 * and promoted to the old generation. A page's cursors written that way held its records, and the
 * response kept for the cache held each answer after it was sent: every list page went to the old
 * generation, and minor collections paused ten times longer (README, Performance).
 *
 * Here the old generation must not grow with the pages a client asks for one after another.
 */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

const LIST_PAGE = `{ projects(first: 20, orderBy: { field: TITLE, lang: FR }) { totalCount pageInfo { hasNextPage endCursor }
  edges { node { id slug acronym title(lang: FR) leadPartner { name } themes { name(lang: FR) } territories { code name(lang: FR) } } } } }`;

/** The old generation's growth a list page may leave, in bytes. */
const LIMIT = 30_000;

function oldGenerationBytes(): number {
  return v8
    .getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'old_space' || space.space_name === 'large_object_space')
    .reduce((sum, space) => sum + space.space_used_size, 0);
}

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

/**
 * Sends a query over one kept-alive connection with Node's own HTTP client. Not `fetch`: its client
 * (undici) keeps about 30 KB of each of its own responses until a full collection, which would be
 * counted here as the server's.
 */
function post(agent: http.Agent, baseUrl: string, query: string): Promise<{ data?: any; errors?: unknown[] }> {
  const body = JSON.stringify({ query });
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${baseUrl}/graphql`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

it('lets list pages and their answers die in minor collections', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const page = async () => {
      const { data, errors } = await post(agent, app.baseUrl, LIST_PAGE);
      expect(errors).toBeUndefined();
      expect(data.projects.edges.length).toBeGreaterThan(2);
      expect(data.projects.pageInfo.endCursor).toEqual(expect.any(String));
    };
    // Caches fill (compiled query, limits, prepared statements) before anything is counted.
    for (let index = 0; index < 30; index++) await page();
    // Each round starts from a full collection, so that the count starts from what is really alive; then
    // pages as a client sends them, the minor collections coming when V8 needs them; then one more request,
    // so that the connection no longer holds the last page's, and two minor collections to settle.
    // Anything else the process does can only add to a round's growth (one CI run counted 110 KB a page,
    // alone among some fifteen runs; a full collection under way, which keeps what is promoted meanwhile,
    // can do that), while a request held past its minor collections adds its share to every round: the
    // least of three rounds is kept.
    const pages = 60;
    const rounds: number[] = [];
    while (rounds.length < 3 && !rounds.some((grown) => grown < LIMIT)) {
      gc({ type: 'major' });
      const before = oldGenerationBytes();
      for (let index = 0; index < pages; index++) await page();
      await post(agent, app.baseUrl, '{ __typename }');
      await new Promise((resolve) => setTimeout(resolve, 10));
      gc({ type: 'minor' });
      gc({ type: 'minor' });
      rounds.push((oldGenerationBytes() - before) / pages);
    }
    // With the response held after it was sent and Apollo unpatched, 37 to 46 KB a page a round here (105 to
    // 131 KB on the generated dataset, outside Jest); 15 to 19 KB without (5 to 7 KB). The seeded pages are
    // small: the page info's own hold on its edges (connection.ts) does not show here by itself.
    expect(Math.min(...rounds)).toBeLessThan(LIMIT);
  } finally {
    agent.destroy();
  }
});

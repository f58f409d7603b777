import { ConfigError, fallbackDataDir, loadConfig, projectRoot, projectRootOf } from '../src/config';

describe('configuration from the environment', () => {
  it('never prints a password it could not parse', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://kb:s3cret@db:99999/kb' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('s3cret') }));
  });

  it('reads ports, origins and API keys', () => {
    const config = loadConfig({ PORT: '0', CORS_ORIGINS: 'https://a.org, http://localhost:3000', API_KEYS: ' k1 ,k2,, ' });
    expect(config.port).toBe(0);
    expect(config.corsOrigins).toEqual(['https://a.org', 'http://localhost:3000']);
    expect([...config.apiKeys]).toEqual(['k1', 'k2']);
  });

  it('has working defaults: port 4000, the embedded database in a git-ignored folder', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.embeddedDataDir).toMatch(/\.data[\\/]postgres$/);
    // A query runs compiled from its second time on.
    expect(config.compileQueriesAfter).toBe(1);
    expect(loadConfig({ COMPILE_QUERIES_AFTER: '0' }).compileQueriesAfter).toBe(0);
  });

  it.each([
    [{ PORT: 'four thousand' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/kb' }, 'DATABASE_URL: must be a postgres://'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ PORT: ' ' }, 'PORT: must be a port number'],
    [{ PORT: '70000' }, 'PORT: must be a port number'],
    [{ DATABASE_URL: 'postgres://kb:s3cret@db:99999/kb' }, 'DATABASE_URL: is not a valid URL'],
    [{ DATABASE_URL: 'postgres://db.example.org' }, 'DATABASE_URL: must name a database'],
    [{ CORS_ORIGINS: ',' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://a.org/, https://b.org' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://a.org,*' }, 'CORS_ORIGINS'],
    [{ COMPILE_QUERIES_AFTER: '-1' }, 'COMPILE_QUERIES_AFTER'],
    [{ COMPILE_QUERIES_AFTER: 'often' }, 'COMPILE_QUERIES_AFTER'],
    // A blank number was read as 0: no statement timeout, no rate limit, every stop unclean.
    [{ STATEMENT_TIMEOUT_MS: ' ' }, 'STATEMENT_TIMEOUT_MS: must be a whole number'],
    [{ RATE_LIMIT_MAX: '\t' }, 'RATE_LIMIT_MAX: must be a whole number'],
    [{ MAX_COST: '1e5' }, 'MAX_COST: must be a whole number'],
    // Longer than Node's timers and PostgreSQL's integer settings hold (the timer fired at once).
    [{ SHUTDOWN_TIMEOUT_MS: '3000000000' }, 'SHUTDOWN_TIMEOUT_MS'],
    // No time at all: the deadline passed before the server had closed, and every stop failed.
    [{ SHUTDOWN_TIMEOUT_MS: '0' }, 'SHUTDOWN_TIMEOUT_MS: Too small: expected number to be >=1000'],
    [{ STATEMENT_TIMEOUT_MS: '3000000000' }, 'STATEMENT_TIMEOUT_MS'],
    // The cache's library sets aside room for every entry when it starts: 2,000,000,000 ran it out of memory.
    [{ RESPONSE_CACHE_MAX_ENTRIES: '2000000000' }, 'RESPONSE_CACHE_MAX_ENTRIES: Too big: expected number to be <=100000'],
  ])('rejects %j naming the variable', (environment, expected) => {
    expect(() => loadConfig(environment)).toThrow(ConfigError);
    expect(() => loadConfig(environment)).toThrow(expected);
  });
});

describe('the project root', () => {
  it('is one folder above src/ and two above dist/src/, wherever the checkout is', () => {
    expect(projectRootOf('/srv/kb/src')).toBe('/srv/kb');
    expect(projectRootOf('/srv/kb/dist/src')).toBe('/srv/kb');
    // A checkout under a folder named dist is not a build.
    expect(projectRootOf('/home/me/dist/kb/src')).toBe('/home/me/dist/kb');
    expect(projectRootOf('/home/me/dist/kb/dist/src')).toBe('/home/me/dist/kb');
  });
});

describe("the embedded PostgreSQL's data folder", () => {
  it('falls back to a folder of this checkout outside it only when the folder is the default', () => {
    expect(loadConfig({}).embeddedFallbackDataDir).toBe(fallbackDataDir(projectRoot));
    expect(fallbackDataDir('/srv/kb')).toMatch(/\/interreg-kb-[0-9a-f]{12}\/postgres$/);
    expect(fallbackDataDir('/srv/kb')).not.toBe(fallbackDataDir('/srv/other'));
    expect(loadConfig({ EMBEDDED_PG_DATA_DIR: '/srv/pg' }).embeddedFallbackDataDir).toBeUndefined();
  });
});

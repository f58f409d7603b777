import { ConfigError, loadConfig } from '../src/config';

describe('configuration from the environment', () => {
  it('has working defaults: port 4000, the embedded database in a git-ignored folder', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.embeddedDataDir).toMatch(/\.data[\\/]postgres$/);
  });

  it.each([
    [{ PORT: 'four thousand' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/kb' }, 'DATABASE_URL: must be a postgres://'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('rejects %j naming the variable', (environment, expected) => {
    expect(() => loadConfig(environment)).toThrow(ConfigError);
    expect(() => loadConfig(environment)).toThrow(expected);
  });
});

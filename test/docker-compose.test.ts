import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../src/config';

const ROOT = path.join(__dirname, '..');

/**
 * Docker does not run on these machines: the compose file is checked here, and the configuration it
 * gives the API (DATABASE_URL to an external PostgreSQL) is the one the second CI run exercises.
 */
describe('docker-compose.yml', () => {
  const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'));

  it('runs PostgreSQL 16 or later with a healthcheck and a volume', () => {
    const db = compose.services.db;
    expect(Number(String(db.image).split(':')[1])).toBeGreaterThanOrEqual(16);
    expect(db.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(db.volumes[0]).toMatch(/^pgdata:/);
    expect(compose.volumes).toHaveProperty('pgdata');
  });

  it('builds the API from the repository and configures it through DATABASE_URL, once PostgreSQL is healthy', () => {
    const api = compose.services.api;
    expect(api.build).toBe('.');
    expect(fs.existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
    expect(api.depends_on.db.condition).toBe('service_healthy');
    const config = loadConfig(api.environment);
    const db = compose.services.db.environment;
    expect(config.databaseUrl).toBe(`postgresql://${db.POSTGRES_USER}:${db.POSTGRES_PASSWORD}@db:5432/${db.POSTGRES_DB}`);
    expect(config.host).toBe('0.0.0.0');
    expect(api.ports).toContain(`${config.port}:${config.port}`);
  });

  it('builds with the files the Dockerfile copies', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(\S+(?: \S+)*) \S+$/gm)].flatMap(([, source]) => source.split(' '));
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
    for (const file of copied) expect([file, fs.existsSync(path.join(ROOT, file))]).toEqual([file, true]);
    // The image runs what `npm start` runs (node flags included), after the build.
    const start = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start as string;
    expect(start).toMatch(/^node .* dist\/src\/main\.js$/);
    expect(dockerfile).toContain(`CMD ${JSON.stringify(start.split(' '))}`.replace(/","/g, '", "'));
    // Its health is asked on the port the API listens on, which PORT may change.
    const healthcheck = dockerfile.match(/^HEALTHCHECK .* CMD (.*)$/m)![1];
    expect(healthcheck).toContain('process.env.PORT');
    expect(healthcheck).not.toMatch(/:4000\//);
  });
});

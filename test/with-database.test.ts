import { STOP_SIGNALS, withDatabase } from '../src/db/database';
import { cloneTestDatabase } from './support/app';

/** `withDatabase`, the database of the command-line tools, when the database cannot be had. */
describe('withDatabase', () => {
  const saved = process.env.DATABASE_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  it('gives back its signal listeners and begins no work when the database cannot be reached', async () => {
    // Port 1: nothing listens there.
    process.env.DATABASE_URL = 'postgresql://postgres@127.0.0.1:1/interreg_kb_unreachable';
    const counts = () => STOP_SIGNALS.map((signal) => process.listenerCount(signal));
    const listeners = counts();
    const work = jest.fn(async () => 'done');
    await expect(withDatabase({}, work)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(work).not.toHaveBeenCalled();
    expect(counts()).toEqual(listeners);
  });

  it('listens for SIGTERM, SIGINT and SIGHUP while its work runs, and gives them back after', async () => {
    process.env.DATABASE_URL = await cloneTestDatabase();
    // Named here, not read from the code under test: a signal dropped from its list must fail this.
    const counts = () => ['SIGTERM', 'SIGINT', 'SIGHUP'].map((signal) => process.listenerCount(signal));
    const before = counts();
    const during = await withDatabase({}, async () => counts());
    expect(during).toEqual(before.map((count) => count + 1));
    expect(counts()).toEqual(before);
  });
});

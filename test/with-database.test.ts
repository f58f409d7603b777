import { STOP_SIGNALS, withDatabase } from '../src/db/database';

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
});

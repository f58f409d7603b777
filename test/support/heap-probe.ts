import 'reflect-metadata';
import v8 from 'node:v8';
import { startTestApp } from './app';
import { addSyntheticRecords } from './synthetic';

/**
 * The test server alone in a process of its own, for test/retention.test.ts: started (by `fork`) with
 * --expose-gc and a fixed young generation, so that what its old generation holds depends on the
 * server's requests only, not on what Jest's worker ran before or how much memory the machine has.
 *
 * Sends `{ baseUrl }` once listening; then answers each message `{ collect: 'major' | 'minor' }` with
 * `{ oldGenerationBytes }`, measured after that collection.
 */
declare const gc: (options: { type: 'major' | 'minor' }) => void;

function oldGenerationBytes(): number {
  return v8
    .getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'old_space' || space.space_name === 'large_object_space')
    .reduce((sum, space) => sum + space.space_used_size, 0);
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('heap-probe runs as a forked child (it answers over IPC)');
  // Its server and pool would keep it alive after the test's process is gone.
  process.on('disconnect', () => process.exit(1));
  const app = await startTestApp();
  // Full pages of 20 projects, each with its partners, themes and territories: the seeded three would
  // make a page too small for what a request leaves behind to stand out.
  await addSyntheticRecords(app.orm, 40);
  process.on('message', (message: { collect?: 'major' | 'minor'; close?: true }) => {
    if (message.close) {
      void app.close().then(() => process.exit(0));
      return;
    }
    if (message.collect) gc({ type: message.collect });
    process.send!({ oldGenerationBytes: oldGenerationBytes() });
  });
  process.send({ baseUrl: app.baseUrl });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

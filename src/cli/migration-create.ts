/**
 * Writes a new migration (TypeScript, under src/db/migrations) with the difference between the entities
 * and the database the migrations give. Run through `npm run migration:create` on a scratch database.
 */
import { MikroORM } from '@mikro-orm/postgresql';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config';
import { ormConfig } from '../db/orm.config';
import { withDatabase } from '../db/database';

/** Rewrites migrations/index.ts to list every migration file in name (that is, time) order. */
function writeMigrationsIndex(directory: string): void {
  const names = fs
    .readdirSync(directory)
    .filter((file) => /^Migration\d+\.ts$/.test(file))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
  const source = [
    ...names.map((name) => `import { ${name} } from './${name}';`),
    '',
    '/**',
    ' * Every migration, in order. Listed explicitly (not found by a file glob) so that the same list runs from',
    ' * the compiled build, from TypeScript in the tests, and from any working directory. Written by',
    ' * `npm run migration:create`.',
    ' */',
    'export const migrationsList = [',
    ...names.map((name) => `  { name: '${name}', class: ${name} },`),
    '];',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(directory, 'index.ts'), source);
}

async function main(): Promise<void> {
  await withDatabase({ fresh: true }, async (url) => {
    const orm = await MikroORM.init(ormConfig(url));
    try {
      const migrator = orm.getMigrator();
      await migrator.up();
      const directory = path.join(projectRoot, 'src', 'db', 'migrations');
      const result = await migrator.createMigration(directory);
      console.log(result.fileName ? `wrote ${result.fileName}` : 'the migrations already match the entities');
      writeMigrationsIndex(directory);
    } finally {
      await orm.close();
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

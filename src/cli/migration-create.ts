/**
 * Writes a new migration (TypeScript, under src/db/migrations) with the difference between the entities
 * and the database the migrations give. Run through `npm run migration:create` on a scratch database.
 */
import { MikroORM } from '@mikro-orm/postgresql';
import path from 'node:path';
import { projectRoot } from '../config';
import { ormConfig } from '../db/orm.config';
import { withDatabase } from '../db/database';

async function main(): Promise<void> {
  await withDatabase({ fresh: true }, async (url) => {
    const orm = await MikroORM.init(ormConfig(url));
    try {
      const migrator = orm.getMigrator();
      await migrator.up();
      const result = await migrator.createMigration(path.join(projectRoot, 'src', 'db', 'migrations'));
      console.log(result.fileName ? `wrote ${result.fileName}` : 'the migrations already match the entities');
    } finally {
      await orm.close();
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

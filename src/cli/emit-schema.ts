/** `npm run schema:emit`: writes the SDL of the code to schema/schema.graphql. */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config';
import { printedSchema } from '../graphql/schema';

async function main(): Promise<void> {
  const target = path.join(projectRoot, 'schema', 'schema.graphql');
  fs.writeFileSync(target, await printedSchema());
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

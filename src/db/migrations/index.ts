import { Migration20261126135144 } from './Migration20261126135144';
import { Migration20261126141000 } from './Migration20261126141000';
import { Migration20261126150000 } from './Migration20261126150000';
import { Migration20261126170000 } from './Migration20261126170000';
import { Migration20261126171000 } from './Migration20261126171000';
import { Migration20261126200000 } from './Migration20261126200000';
import { Migration20261127010000 } from './Migration20261127010000';
import { Migration20261127150000 } from './Migration20261127150000';
import { Migration20261127170000 } from './Migration20261127170000';
import { Migration20261127180000 } from './Migration20261127180000';
import { Migration20261127200000 } from './Migration20261127200000';
import { Migration20261128000000 } from './Migration20261128000000';
import { Migration20261128100000 } from './Migration20261128100000';
import { Migration20261128110000 } from './Migration20261128110000';
import { Migration20261128120000 } from './Migration20261128120000';
import { Migration20261128130000 } from './Migration20261128130000';

/**
 * Every migration, in order. Listed explicitly (not found by a file glob) so that the same list runs from
 * the compiled build, from TypeScript in the tests, and from any working directory. Written by
 * `npm run migration:create`.
 */
export const migrationsList = [
  { name: 'Migration20261126135144', class: Migration20261126135144 },
  { name: 'Migration20261126141000', class: Migration20261126141000 },
  { name: 'Migration20261126150000', class: Migration20261126150000 },
  { name: 'Migration20261126170000', class: Migration20261126170000 },
  { name: 'Migration20261126171000', class: Migration20261126171000 },
  { name: 'Migration20261126200000', class: Migration20261126200000 },
  { name: 'Migration20261127010000', class: Migration20261127010000 },
  { name: 'Migration20261127150000', class: Migration20261127150000 },
  { name: 'Migration20261127170000', class: Migration20261127170000 },
  { name: 'Migration20261127180000', class: Migration20261127180000 },
  { name: 'Migration20261127200000', class: Migration20261127200000 },
  { name: 'Migration20261128000000', class: Migration20261128000000 },
  { name: 'Migration20261128100000', class: Migration20261128100000 },
  { name: 'Migration20261128110000', class: Migration20261128110000 },
  { name: 'Migration20261128120000', class: Migration20261128120000 },
  { name: 'Migration20261128130000', class: Migration20261128130000 },
];

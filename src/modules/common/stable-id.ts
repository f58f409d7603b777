import { v5 as uuidv5 } from 'uuid';

/** Namespace of this knowledge base's name-based UUIDs (RFC 4122 version 5). Never change it. */
const NAMESPACE = '6f6c8a43-3c55-4a77-9d2e-8f4f2f2b8a01';

/**
 * The database id of a record, derived from its type and natural key, so that dropping the database and
 * seeding the same data again gives every record the same id (and the same global id).
 */
export function stableId(typename: string, ...naturalKey: string[]): string {
  return uuidv5(`${typename}:${naturalKey.join('\u001f')}`, NAMESPACE);
}

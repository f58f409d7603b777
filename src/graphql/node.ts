import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType({
  description: 'A record with a global id. Ids are opaque, and stable across re-seeding the same data.',
  // Each record class names its GraphQL type in a static `typename`.
  resolveType: (value: { constructor: { typename?: string } }) => value.constructor.typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'Global, opaque and stable id; pass it to `node(id:)`.' })
  id!: string;
}

const GLOBAL_ID_PATTERN = /^([A-Za-z]+):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function toGlobalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url');
}

/** The type name and database id inside a global id, or null when it is not one of ours. */
export function fromGlobalId(globalId: string): { typename: string; id: string } | null {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const match = GLOBAL_ID_PATTERN.exec(decoded);
  return match ? { typename: match[1], id: match[2] } : null;
}

import { Arg, ClassType, Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { Claim } from '../modules/provenance/claim.entity';
import { Source } from '../modules/provenance/source.entity';
import type { RequestContext } from './context';
import { refId } from './loaders';
import { toGlobalId } from './node';
import { allTexts, LangArg, Language, LocalisedString, LocalisedText, requiredText } from '../modules/common/localised';

export interface RecordClass<T extends object> extends ClassType<T> {
  typename: string;
}

/** Claims about a record, in field then list order, through one batched statement per request level. */
export function claimsOf(context: RequestContext, subjectId: string): Promise<Claim[]> {
  return context.loaders.byOwner(Claim, 'subjectId', { field: 'asc', position: 'asc', preferred: 'desc' }).load(subjectId);
}

export async function sourcesOf(context: RequestContext, claims: Claim[]): Promise<Source[]> {
  const sources = await context.loaders.existing(Source, claims.map((claim) => refId(claim.source)!));
  return [...sources.values()].sort((a, b) => a.key.localeCompare(b.key));
}

export function filterByField(claims: Claim[], field: string | null | undefined): Claim[] {
  return field ? claims.filter((claim) => claim.field === field) : claims;
}

/**
 * The fields every record type shares: its global `id`, and the `claims` and `sources` behind its facts.
 * Each module's resolver extends this for its own type.
 */
export function RecordResolver<T extends { id: string }>(type: RecordClass<T>) {
  @Resolver(() => type)
  abstract class RecordResolverBase {
    @FieldResolver(() => ID, { description: 'Global, opaque and stable id; pass it to `node(id:)`.' })
    id(@Root() record: T): string {
      return toGlobalId(type.typename, record.id);
    }

    @FieldResolver(() => [Claim], {
      description: 'Every sourced statement about this record, or about one field of it. Conflicting claims stand side by side.',
    })
    async claims(
      @Root() record: T,
      @Ctx() context: RequestContext,
      @Arg('field', () => String, { nullable: true, description: 'Only claims about this field ("euFunding", "name").' })
      field?: string | null,
    ): Promise<Claim[]> {
      return filterByField(await this.loadClaims(record, context, field), field);
    }

    @FieldResolver(() => [Source], { description: 'The documents the claims about this record come from.' })
    async sources(@Root() record: T, @Ctx() context: RequestContext): Promise<Source[]> {
      return sourcesOf(context, await this.loadClaims(record, context));
    }

    /**
     * The claims about the record; `field`, when given, is the only field the caller keeps (an override
     * may skip reading what no claim of that field can come from).
     */
    protected loadClaims(record: T, context: RequestContext, _field?: string | null): Promise<Claim[]> {
      return claimsOf(context, record.id);
    }
  }
  return RecordResolverBase;
}

/**
 * A record with a multilingual name (or title): adds `name(lang)`, which falls back to another
 * language, and `names`, every language's text.
 */
export function NamedRecordResolver<T extends { id: string }>(
  type: RecordClass<T>,
  fields: { single: string; plural: string; property: keyof T & string; description: string },
) {
  @Resolver(() => type)
  abstract class NamedRecordResolverBase extends RecordResolver(type) {
    @FieldResolver(() => String, {
      name: fields.single,
      description: `The ${fields.description} in the asked language, else in another one.`,
    })
    localisedName(
      @Root() record: T,
      @LangArg() lang: Language | null,
    ): string {
      return requiredText(record[fields.property] as LocalisedText, lang, record.id, fields.description);
    }

    @FieldResolver(() => [LocalisedString], { name: fields.plural, description: `The ${fields.description} in every language it exists in.` })
    localisedNames(@Root() record: T): LocalisedString[] {
      return allTexts(record[fields.property] as LocalisedText);
    }
  }
  return NamedRecordResolverBase;
}

export const NAME_FIELDS = { single: 'name', plural: 'names', property: 'names', description: 'name' } as const;

import { z } from 'zod';
import { isCalendarDay, ISO_DAY } from '../modules/common/dates';
import { Fund, ProgrammeKind } from '../modules/programme/programme.entity';
import { FundingBasis, FundingStage, TechnicalAssistance } from '../modules/funding/funding.entity';
import { OrganisationKind, OrganisationSector } from '../modules/organisation/organisation.entity';
import { OutcomeKind } from '../modules/outcome/outcome.entity';
import { ParticipationRole } from '../modules/participation/participation.entity';
import { SourceKind } from '../modules/provenance/source.entity';
import { TerritoryLevel } from '../modules/territory/territory.entity';

/**
 * The format of the YAML files in seeds/ (described for people in seeds/README.md).
 *
 * A fact can be written three ways, and every form becomes one or more claims:
 *   plain:      `areaKm2: 62000`                                   (the record's `source`, no locator)
 *   one claim:  `areaKm2: { value: 62000, source: article, locator: "..." }`
 *   several:    `population: { claims: [ { value: ..., preferred: true }, { value: ... } ] }`
 * The plain and one-claim forms are rewritten to the `claims` form before validation.
 */

/**
 * Slugs, keys, names, titles and acronyms are keys of B-tree indexes (unique keys, sort keys), whose entries
 * PostgreSQL refuses above about 2,700 bytes, in the middle of the seeding transaction and naming no file.
 * At 4 bytes a character at most in UTF-8, these lengths keep every entry well under that.
 */
const MAX_KEY_LENGTH = 100;
const MAX_NAME_LENGTH = 500;

const key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and hyphens, e.g. "le-forem"')
  .max(MAX_KEY_LENGTH, `must be at most ${MAX_KEY_LENGTH} characters`);
const territoryCode = z
  .string()
  .regex(/^([A-Z]{2}[0-9A-Z]{0,3}|[a-z0-9][a-z0-9-]*)$/, 'must be a NUTS code ("BE25") or a slug ("cote-d-opale")')
  .max(MAX_KEY_LENGTH, `must be at most ${MAX_KEY_LENGTH} characters`);
/** A day, month or year that is on the calendar ("2021-02-30" and "2021-13" are not; stored as text, they were kept). */
function onTheCalendar(value: string): boolean {
  const [year, month = '01', day = '01'] = value.split('-');
  return isCalendarDay(`${year}-${month}-${day}`);
}
const partialDate = z
  .string()
  .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be a date as precise as known: "2021-05-31", "2021-05" or "2021"')
  .refine(onTheCalendar, 'must be a day (or month) on the calendar');
const isoDate = z
  .string()
  .regex(ISO_DAY, 'must be an ISO date, e.g. "2021-05-31" (in quotes)')
  .refine(isCalendarDay, 'must be a day on the calendar');
const decimalText = z
  .string({ error: 'must be a decimal in quotes, e.g. "1319699.36" (a bare YAML number can lose precision)' })
  .regex(/^-?\d+(\.\d+)?$/, 'must be a decimal in quotes, e.g. "1319699.36"');

/**
 * A decimal that fits a `numeric(precision, scale)` column as written: PostgreSQL refuses more digits
 * before the point (in the middle of the seeding transaction, naming no file) and rounds more after it,
 * which would part the typed field from the claim that quotes the source.
 */
function decimal(precision: number, scale: number) {
  return decimalText
    .refine((value) => value.replace(/^-/, '').split('.')[0].replace(/^0+(?=\d)/, '').length <= precision - scale, {
      message: `must have at most ${precision - scale} digits before the point`,
    })
    .refine((value) => (value.split('.')[1] ?? '').length <= scale, { message: `must have at most ${scale} digits after the point` });
}

/** PostgreSQL's `integer`. */
const INTEGER_MAX = 2_147_483_647;
const count = () => z.number().int().positive().max(INTEGER_MAX, `must be at most ${INTEGER_MAX}`);
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code, e.g. "BE"');
// http and https only, with a host name: `z.url` took any scheme ("javascript:alert(1)" was served as a
// project's website) and "http:/www.example.org".
// PostgreSQL stores no NUL character: refused here, at its line, rather than by the database half-way. (A URL
// too: the URL parser that checks one reads past a NUL, and the text is kept as written.)
const withoutNul = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';
const url = z.httpUrl({ error: 'must be an absolute http(s) URL' }).refine(withoutNul, NUL_MESSAGE);
/** A text; at most `maxLength` characters where it is given. */
const textOf = (maxLength = Infinity) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(maxLength, `must be at most ${maxLength} characters (a name or title, not a description)`)
    .refine(withoutNul, NUL_MESSAGE);
const text = textOf();
/** A name, title or acronym: a sort key (see MAX_NAME_LENGTH). */
const name = textOf(MAX_NAME_LENGTH);

const claimMeta = {
  source: key.optional(),
  /** The same value stated by several sources: one claim each, the first preferred. */
  sources: z.array(key).min(1).optional(),
  locator: text.optional(),
  asOf: partialDate.optional(),
  approximate: z.boolean().optional(),
  preferred: z.boolean().optional(),
  /** Tells apart two claims of one field from one source. */
  key: key.optional(),
};

/**
 * A claim: the given fields and the claim's own (`claimMeta`). It names its source once, by `source` or,
 * for several, `sources`; given both, one would be dropped.
 */
function claimObject<S extends z.ZodRawShape>(shape: S) {
  return z
    .strictObject({ ...shape, ...claimMeta })
    .refine((claim) => (claim as { source?: string }).source === undefined || (claim as { sources?: string[] }).sources === undefined, {
      message: 'give either "source" or "sources", not both',
      path: ['sources'],
    });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const CLAIM_FIELDS = new Set([...Object.keys(claimMeta), 'value']);

/**
 * Rewrites the plain and one-claim forms to `{ claims: [...] }`. An object with any claim field is a
 * claim, even without `value`: `{ vaule: X, source: s }` is then reported as an unknown field "vaule",
 * rather than as a whole object that is not one of the allowed values.
 */
function toClaimsForm(input: unknown): unknown {
  if (isPlainObject(input) && 'claims' in input) return input;
  if (isPlainObject(input) && Object.keys(input).some((field) => CLAIM_FIELDS.has(field))) return { claims: [input] };
  return { claims: [{ value: input }] };
}

export function fact<T extends z.ZodType>(value: T) {
  const claim = claimObject({ value });
  return z.preprocess(toClaimsForm, z.strictObject({ claims: z.array(claim).min(1, 'needs at least one claim') }));
}
/** `writtenAt`: the claim's position in the file, for a fact built from some of a written fact's claims. */
export type Fact<V> = { claims: Array<{ value: V; writtenAt?: number } & ClaimMeta> };
export type ClaimMeta = { [K in keyof typeof claimMeta]?: z.infer<(typeof claimMeta)[K]> };

/** A claim about something whose value is given elsewhere (a funding amount): only its provenance. */
const provenance = claimObject({});

/** A value in each of the languages, at least one of them. */
function localised<T extends z.ZodType>(value: T) {
  return z
    .strictObject({ fr: value.optional(), nl: value.optional(), en: value.optional() })
    .refine((texts) => texts.fr || texts.nl || texts.en, 'needs a text in at least one of fr, nl, en');
}

const localisedFacts = localised(fact(text));
/** Names or titles in each language (see `name`). */
const localisedNames = localised(fact(name));
const localisedText = localised(text);

/** Fields every record may carry: the default source of its facts. */
const recordBase = { source: key.optional() };

export const sourceSchema = z.strictObject({
  key,
  title: text,
  publisher: text,
  url: url.nullable().optional(),
  publishedAt: partialDate.optional(),
  retrievedAt: isoDate.optional(),
  language: z.enum(['fr', 'nl', 'en', 'de']).optional(),
  kind: z.enum(SourceKind),
  licence: text.optional(),
  note: text.optional(),
});

export const territorySchema = z.strictObject({
  ...recordBase,
  code: territoryCode,
  level: fact(z.enum(TerritoryLevel)),
  nutsVersion: fact(z.number().int().min(2003).max(2100)).optional(),
  country: fact(countryCode).optional(),
  names: localisedNames,
  aliases: z.array(fact(text)).optional(),
  partOf: z.array(fact(territoryCode)).optional(),
  overlaps: z.array(fact(territoryCode)).optional(),
  externalIds: z.partialRecord(z.enum(['wikidata', 'pic', 'keepEu']), fact(text)).optional(),
});

export const organisationSchema = z.strictObject({
  ...recordBase,
  slug: key,
  names: localisedNames,
  acronym: fact(name).optional(),
  aliases: z.array(fact(text)).optional(),
  kind: fact(z.enum(OrganisationKind)),
  sector: fact(z.enum(OrganisationSector)).optional(),
  country: fact(countryCode).optional(),
  location: fact(territoryCode).optional(),
  address: fact(text).optional(),
  website: fact(url).optional(),
  externalIds: z.partialRecord(z.enum(['wikidata', 'pic', 'keepEu']), fact(text)).optional(),
});

export const fundingSchema = z.strictObject({
  key,
  fund: z.enum(Fund),
  basis: z.enum(FundingBasis),
  stage: z.enum(FundingStage).optional(),
  technicalAssistance: z.enum(TechnicalAssistance).optional(),
  amount: decimal(18, 2).refine((value) => !value.startsWith('-'), 'must not be negative'),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  approximate: z.boolean().optional(),
  /** Required when two amounts share a basis: which one fills the typed field. */
  preferred: z.boolean().optional(),
  claims: z.array(provenance).min(1, 'needs at least one claim saying where the amount comes from'),
});

export const outcomeSchema = z.strictObject({
  ...recordBase,
  key,
  indicator: key.optional(),
  kind: z.enum(OutcomeKind),
  labels: localisedText,
  value: fact(decimal(18, 4)),
  unit: text,
  asOf: partialDate.optional(),
  approximate: z.boolean().optional(),
  breakdown: z
    .array(z.strictObject({ dimension: key, key: text, labels: localisedText, value: decimal(18, 4), locator: text.optional() }))
    .optional(),
  organisations: z.array(claimObject({ organisation: key, relation: key })).optional(),
  notes: z.array(fact(localisedText)).optional(),
});

export interface ThemeInput {
  source?: string;
  slug: string;
  code?: Fact<string>;
  names: z.infer<typeof localisedNames>;
  children?: ThemeInput[];
}
export const themeSchema: z.ZodType<ThemeInput> = z.lazy(() =>
  z.strictObject({
    ...recordBase,
    slug: key,
    code: fact(text).optional(),
    names: localisedNames,
    children: z.array(themeSchema).optional(),
  }),
) as z.ZodType<ThemeInput>;

export const programmeSchema = z
  .strictObject({
    ...recordBase,
    slug: key,
    names: localisedNames,
    cciCode: fact(z.string().regex(/^\d{4}[A-Z0-9]{11}$/, 'must be a CCI code, e.g. "2014TC16RFCB044"')).optional(),
    kind: fact(z.enum(ProgrammeKind)),
    funds: z.array(fact(z.enum(Fund))).optional(),
    startYear: fact(z.number().int().min(1990).max(2100)),
    endYear: fact(z.number().int().min(1990).max(2100)),
    managingAuthority: fact(key).optional(),
    predecessor: fact(key).optional(),
    population: fact(count()).optional(),
    areaKm2: fact(count()).optional(),
    borderRegionCount: fact(count()).optional(),
    closedOn: fact(isoDate).optional(),
    reportedProjectCount: fact(z.number().int().nonnegative().max(INTEGER_MAX, `must be at most ${INTEGER_MAX}`)).optional(),
    eligibleTerritories: z.array(fact(territoryCode)).optional(),
    coveredRegions: z.array(fact(territoryCode)).optional(),
    funding: z.array(fundingSchema).optional(),
    themes: z.array(themeSchema).optional(),
    outcomes: z.array(outcomeSchema).optional(),
  });

const localisedList = z.array(fact(localisedText)).optional();

export const participationSchema = z.strictObject({
  ...recordBase,
  organisation: key,
  role: fact(z.enum(ParticipationRole)),
  funding: z.array(fundingSchema).optional(),
});

export const projectSchema = z.strictObject({
  ...recordBase,
  slug: key,
  programme: fact(key),
  acronym: fact(name).optional(),
  titles: localisedNames,
  summaries: localisedFacts.optional(),
  themes: z.array(fact(key)).optional(),
  startDate: fact(isoDate).optional(),
  endDate: fact(isoDate).optional(),
  durationMonths: fact(count()).optional(),
  cofinancingRate: fact(
    decimal(5, 4).refine((value) => Number(value) >= 0 && Number(value) <= 1, {
      message: 'must be a fraction between 0 and 1, e.g. "0.6" for 60%',
    }),
  ).optional(),
  website: fact(url).optional(),
  lineage: fact(text).optional(),
  partnership: localisedFacts.optional(),
  objectives: localisedList,
  activities: localisedList,
  targetGroups: localisedList,
  obstacles: localisedList,
  territories: z.array(fact(territoryCode)).optional(),
  partners: z.array(participationSchema).optional(),
  funding: z.array(fundingSchema).optional(),
  outcomes: z.array(outcomeSchema).optional(),
});

/** One seed file: any of these sections. */
export const seedFileSchema = z.strictObject({
  sources: z.array(sourceSchema).optional(),
  territories: z.array(territorySchema).optional(),
  organisations: z.array(organisationSchema).optional(),
  programmes: z.array(programmeSchema).optional(),
  projects: z.array(projectSchema).optional(),
});

export type SeedFile = z.infer<typeof seedFileSchema>;
export type SourceInput = z.infer<typeof sourceSchema>;
export type TerritoryInput = z.infer<typeof territorySchema>;
export type OrganisationInput = z.infer<typeof organisationSchema>;
export type ProgrammeInput = z.infer<typeof programmeSchema>;
export type ProjectInput = z.infer<typeof projectSchema>;
export type FundingInput = z.infer<typeof fundingSchema>;
export type OutcomeInput = z.infer<typeof outcomeSchema>;
export type ParticipationInput = z.infer<typeof participationSchema>;
export type LocalisedFacts = z.infer<typeof localisedFacts>;

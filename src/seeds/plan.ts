import { LANGUAGES, Language, LocalisedText } from '../modules/common/localised';
import { stableId } from '../modules/common/stable-id';
import { FUNDING_FIELD_BY_BASIS, FundingBasis, FundingStage, TechnicalAssistance } from '../modules/funding/funding.entity';
import { ClaimValueKind } from '../modules/provenance/claim.entity';
import { TerritoryRelation } from '../modules/territory/territory.entity';
import { describeLocation, locationText, ParsedSeedFile, SeedError, SeedLocation, SeedPath } from './load';
import type {
  Fact,
  FundingInput,
  LocalisedFacts,
  OrganisationInput,
  OutcomeInput,
  ProgrammeInput,
  ProjectInput,
  SourceInput,
  TerritoryInput,
  ThemeInput,
} from './schema';

/** Rows ready to write, keyed by entity property names, foreign keys as ids. */
export type Row = Record<string, unknown> & { id: string };

export interface SeedPlan {
  sources: Row[];
  territories: Row[];
  territoryEdges: Row[];
  organisations: Row[];
  programmes: Row[];
  programmeTerritories: Row[];
  programmeRegions: Row[];
  themes: Row[];
  projects: Row[];
  projectThemes: Row[];
  projectTerritories: Row[];
  participations: Row[];
  fundings: Row[];
  outcomes: Row[];
  outcomeOrganisations: Row[];
  claims: Row[];
}

type ReferencedType = 'Source' | 'Territory' | 'Organisation' | 'Programme' | 'Theme' | 'Project';

interface Subject {
  type: string;
  id: string;
  /** The default source of the record's facts. */
  source?: string;
  at: SeedLocation;
}

/** How a fact's value is stored in a claim. */
interface ClaimValue {
  kind: ClaimValueKind;
  value: string;
  language?: Language;
  unit?: string;
  basis?: string;
  reference?: { type: ReferencedType; key: string };
}

interface ClaimExtras {
  discriminator?: string;
  unit?: string;
  basis?: string;
  asOf?: string;
  approximate?: boolean;
  fundingId?: string;
  position?: number;
}

const asText = (language?: Language) => (value: string): ClaimValue => ({ kind: ClaimValueKind.TEXT, value, language });
const asNumber = (unit: string) => (value: number | string): ClaimValue => ({ kind: ClaimValueKind.NUMBER, value: String(value), unit });
const asDate = (value: string): ClaimValue => ({ kind: ClaimValueKind.DATE, value });
const asReference = (type: ReferencedType) => (key: string): ClaimValue => ({ kind: ClaimValueKind.REFERENCE, value: key, reference: { type, key } });

function describeFunding(funding: FundingInput): string {
  const basis = { TOTAL_BUDGET: 'total budget', EU_FUNDING: 'EU funding', PARTNER_SHARE: 'partner share' }[funding.basis];
  const technicalAssistance = {
    INCLUDED: ', including technical assistance',
    EXCLUDED: ', excluding technical assistance',
    UNSPECIFIED: '',
  }[funding.technicalAssistance ?? TechnicalAssistance.UNSPECIFIED];
  const stage = (funding.stage ?? FundingStage.PLANNED) === FundingStage.PAID ? 'paid' : 'planned';
  return `${basis} (${funding.fund}), ${stage}${technicalAssistance}`;
}

/**
 * Which claim stands preferred by default when none is marked preferred: the first not marked false; -1
 * when one is marked preferred, or all are marked false.
 */
function defaultPreferredIndex(claims: Array<{ preferred?: boolean }>): number {
  return claims.some((claim) => claim.preferred === true) ? -1 : claims.findIndex((claim) => claim.preferred !== false);
}

/**
 * The claims with `preferred` said for each: as marked, else the default one (defaultPreferredIndex) when
 * these claims stand for the record's value (`applies`), and not preferred otherwise.
 */
function withDefaultPreferred<C extends { preferred?: boolean }>(claims: C[], applies: boolean): Array<C & { preferred: boolean }> {
  const byDefault = applies ? defaultPreferredIndex(claims) : -1;
  return claims.map((claim, index) => ({ ...claim, preferred: claim.preferred ?? index === byDefault }));
}

/**
 * The preferred one of a field's claims (one per source), or why none can be: one marked preferred; none
 * when all say "preferred: false"; the first not marked false when they all agree; else a problem.
 */
function choosePreferred<C extends { preferred?: boolean; value: unknown }>(claims: C[]): { preferred?: C; problem?: string } {
  const marked = claims.filter((claim) => claim.preferred === true);
  if (marked.length > 1) return { problem: `${marked.length} claims are marked preferred; mark exactly one` };
  if (marked.length === 1) return { preferred: marked[0] };
  if (claims.every((claim) => claim.preferred === false)) return {};
  if (new Set(claims.map((claim) => JSON.stringify(claim.value))).size === 1) return { preferred: claims[defaultPreferredIndex(claims)] };
  return { problem: `${claims.length} claims disagree; mark one "preferred: true" (or each "preferred: false" to leave the field open)` };
}

/** The amount that fills a typed budget, and whether its source rounds it. */
interface PreferredAmount {
  amount: string;
  approximate: boolean;
}

/**
 * The bases an owner of funding does not take, and why: each would fill no typed field of the owner, and a
 * project's total under a partner would read as the partner's money, which a partner's never is.
 */
const FUNDING_BASIS_REFUSALS: Partial<Record<string, Partial<Record<FundingBasis, string>>>> = {
  Programme: { [FundingBasis.PARTNER_SHARE]: "PARTNER_SHARE is a partner's own share of a project: give it under the project's partners[].funding" },
  Project: { [FundingBasis.PARTNER_SHARE]: "PARTNER_SHARE is a partner's own share: give it under the partner (partners[].funding)" },
  Participation: {
    [FundingBasis.TOTAL_BUDGET]: "a partner's funding is its own share (PARTNER_SHARE): the project's total budget goes under the project's funding",
    [FundingBasis.EU_FUNDING]: "a partner's funding is its own share (PARTNER_SHARE): the project's EU funding goes under the project's funding",
  },
};

/**
 * Turns validated seed files into rows and claims: checks every reference, gives every record its stable
 * id, and fills each typed column with the value of its preferred claim.
 */
export class SeedPlanner {
  readonly plan: SeedPlan = {
    sources: [],
    territories: [],
    territoryEdges: [],
    organisations: [],
    programmes: [],
    programmeTerritories: [],
    programmeRegions: [],
    themes: [],
    projects: [],
    projectThemes: [],
    projectTerritories: [],
    participations: [],
    fundings: [],
    outcomes: [],
    outcomeOrganisations: [],
    claims: [],
  };
  readonly problems: string[] = [];
  private readonly declared = new Map<ReferencedType, Map<string, SeedLocation>>();
  private readonly references: Array<{ type: ReferencedType; key: string; at: SeedLocation }> = [];
  private readonly rowIds = new Map<string, SeedLocation>();
  /** Each theme's programme (its slug), and each project's themes with its programme: a project files under its own programme's themes. */
  private readonly themeProgrammes = new Map<string, string>();
  private readonly projectThemes: Array<{ theme: string; programme: string; at: SeedLocation }> = [];
  /** Each `partOf` edge by codes, checked for cycles once every territory is known. */
  private readonly partOf: Array<{ from: string; to: string; at: SeedLocation }> = [];
  /** Each programme's predecessor, checked once every programme is known. */
  private readonly predecessors: Array<{ programme: string; predecessor: string; at: SeedLocation }> = [];

  build(files: ParsedSeedFile[]): SeedPlan {
    for (const file of files) {
      file.data.sources?.forEach((source, index) => this.addSource(source, { file, path: ['sources', index] }));
    }
    for (const file of files) {
      file.data.territories?.forEach((territory, index) => this.addTerritory(territory, { file, path: ['territories', index] }));
      file.data.organisations?.forEach((organisation, index) => this.addOrganisation(organisation, { file, path: ['organisations', index] }));
      file.data.programmes?.forEach((programme, index) => this.addProgramme(programme, { file, path: ['programmes', index] }));
      file.data.projects?.forEach((project, index) => this.addProject(project, { file, path: ['projects', index] }));
    }
    for (const reference of this.references) {
      if (!this.declared.get(reference.type)?.has(reference.key)) {
        this.problem(reference.at, `unknown ${reference.type.toLowerCase()} "${reference.key}"`);
      }
    }
    for (const { theme, programme, at } of this.projectThemes) {
      const owner = this.themeProgrammes.get(theme);
      if (owner !== undefined && owner !== programme) {
        this.problem(at, `theme "${theme}" is a theme of programme "${owner}", not of this project's programme "${programme}"`);
      }
    }
    this.checkPredecessors();
    this.checkPartOfCycles();
    this.checkOnePreferredClaim();
    if (this.problems.length > 0) throw new SeedError(this.problems);
    return this.plan;
  }

  /**
   * One preferred claim per field of a record (per language and list position). Each fact picks its own,
   * but two facts can land on one field: two partners both lead a project (its `leadPartner`), two
   * fundings both give its EU funding. The API would then show whichever it read first.
   */
  private checkOnePreferredClaim(): void {
    const first = new Map<string, SeedLocation>();
    for (const claim of this.plan.claims) {
      if (!claim.preferred) continue;
      const slot = [claim.subjectType, claim.subjectId, claim.field, claim.language ?? '', claim.position].join('|');
      const at = this.rowIds.get(claim.id as string)!;
      const earlier = first.get(slot);
      if (earlier) {
        this.problem(at, `a second preferred claim on "${claim.field}" (the first is at ${locationText(earlier)}); keep one preferred`);
      } else {
        first.set(slot, at);
      }
    }
  }

  /**
   * A predecessor starts before the programme it precedes: a programme that precedes itself, directly or
   * through others, would send a client that walks from successor to successor round for ever.
   */
  private checkPredecessors(): void {
    const startYears = new Map(this.plan.programmes.map((row) => [row.slug as string, row.startYear as number | null]));
    for (const { programme, predecessor, at } of this.predecessors) {
      const startYear = startYears.get(programme) ?? null;
      const predecessorStart = startYears.get(predecessor);
      if (predecessor === programme) {
        this.problem(at, 'a programme cannot be its own predecessor');
      } else if (predecessorStart != null && startYear !== null && predecessorStart >= startYear) {
        this.problem(at, `the predecessor "${predecessor}" starts in ${predecessorStart}, not before this programme (${startYear})`);
      }
    }
  }

  /**
   * No territory is part of itself round a chain (A part of B, B part of A): it would be among its own
   * ancestors and descendants, and each territory of the chain inside every other.
   */
  private checkPartOfCycles(): void {
    const edges = new Map<string, Array<{ to: string; at: SeedLocation }>>();
    for (const edge of this.partOf) edges.set(edge.from, [...(edges.get(edge.from) ?? []), edge]);
    const done = new Set<string>();
    for (const start of edges.keys()) {
      // A depth-first walk up the partOf edges; `path` is the chain from `start` to where it is.
      const path: string[] = [];
      const onPath = new Set<string>();
      const walk = (code: string): boolean => {
        if (done.has(code)) return false;
        path.push(code);
        onPath.add(code);
        for (const edge of edges.get(code) ?? []) {
          if (onPath.has(edge.to)) {
            const cycle = [...path.slice(path.indexOf(edge.to)), edge.to];
            this.problem(edge.at, `territories part of each other round a cycle: ${cycle.join(' part of ')}`);
            return true;
          }
          if (walk(edge.to)) return true;
        }
        path.pop();
        onPath.delete(code);
        done.add(code);
        return false;
      };
      walk(start);
      for (const code of path) done.add(code);
    }
  }

  private problem(at: SeedLocation, message: string): void {
    this.problems.push(describeLocation(at, message));
  }

  /** A problem at `at` where an end comes before its start: years, or ISO dates (which compare as text). */
  private checkEndNotBeforeStart<T extends number | string>(start: T | null, end: T | null, at: SeedLocation): void {
    if (start !== null && end !== null && end < start) this.problem(at, `ends (${end}) before it starts (${start})`);
  }

  private child(at: SeedLocation, ...segments: SeedPath): SeedLocation {
    return { file: at.file, path: [...at.path, ...segments] };
  }

  private declare(type: ReferencedType, key: string, at: SeedLocation): void {
    const keys = this.declared.get(type) ?? new Map<string, SeedLocation>();
    this.declared.set(type, keys);
    const earlier = keys.get(key);
    if (earlier) this.problem(at, `${type.toLowerCase()} "${key}" is declared twice (first at ${locationText(earlier)})`);
    keys.set(key, at);
  }

  private refer(type: ReferencedType, key: string, at: SeedLocation): string {
    this.references.push({ type, key, at });
    return stableId(type, key);
  }

  private addRow(table: keyof SeedPlan, row: Row, at: SeedLocation, what: string): void {
    const earlier = this.rowIds.get(row.id);
    if (earlier) {
      this.problem(at, `${what} is given twice (first at ${locationText(earlier)})`);
      return;
    }
    this.rowIds.set(row.id, at);
    this.plan[table].push(row);
  }

  /** A fact's claims, one per source (a claim citing several sources is one claim per source), each located. */
  private expandClaims<V>(subject: Subject, fact: Fact<V>, at: SeedLocation) {
    return fact.claims.flatMap((claim, index) => {
      const sources = claim.sources ?? [claim.source ?? subject.source];
      return sources.map((source, sourceIndex) => ({
        ...claim,
        source,
        preferred: sourceIndex === 0 ? claim.preferred : claim.preferred === true ? false : claim.preferred,
        at: this.child(at, 'claims', claim.writtenAt ?? index),
      }));
    });
  }

  /**
   * Writes a fact's claims and returns the preferred value (null when the claims leave it open). One
   * claim is preferred by default; several that disagree need exactly one `preferred: true`, or all
   * `preferred: false` to leave the typed field empty.
   */
  private fact<V>(
    subject: Subject,
    field: string,
    fact: Fact<V> | undefined,
    at: SeedLocation,
    toClaim: (value: V) => ClaimValue,
    extras: ClaimExtras = {},
  ): V | null {
    return this.factClaim(subject, field, fact, at, toClaim, extras)?.value ?? null;
  }

  /** Like `fact`, but returns the preferred claim itself (its source and locator), if any. */
  private factClaim<V>(
    subject: Subject,
    field: string,
    fact: Fact<V> | undefined,
    at: SeedLocation,
    toClaim: (value: V) => ClaimValue,
    extras: ClaimExtras = {},
  ) {
    if (!fact) return undefined;
    const expanded = this.expandClaims(subject, fact, at);
    const { preferred, problem } = choosePreferred(expanded);
    if (problem) this.problem(at, problem);
    for (const claim of expanded) {
      if (!claim.source) {
        this.problem(claim.at, 'says nothing about its source: give "source:" here or on the record');
        continue;
      }
      this.refer('Source', claim.source, claim.at);
      const value = toClaim(claim.value);
      const discriminator = [extras.discriminator ?? '', value.language ?? '', claim.key ?? ''].join('|');
      const id = stableId('Claim', subject.id, field, discriminator, claim.source);
      const referenceId = value.reference ? this.refer(value.reference.type, value.reference.key, claim.at) : null;
      this.addRow(
        'claims',
        {
          id,
          subjectType: subject.type,
          subjectId: subject.id,
          field,
          valueKind: value.kind,
          value: value.value,
          language: value.language ?? null,
          unit: value.unit ?? extras.unit ?? null,
          basis: value.basis ?? extras.basis ?? null,
          approximate: claim.approximate ?? extras.approximate ?? false,
          asOf: claim.asOf ?? extras.asOf ?? null,
          preferred: claim === preferred,
          locator: claim.locator ?? null,
          position: extras.position ?? 0,
          referenceType: value.reference?.type ?? null,
          referenceId,
          source: stableId('Source', claim.source),
          funding: extras.fundingId ?? null,
        },
        claim.at,
        `a claim on "${field}" from source "${claim.source}" (add a "key" to tell them apart)`,
      );
    }
    return preferred;
  }

  private required<V>(value: V | null, at: SeedLocation, field: string): V {
    if (value === null) this.problem(this.child(at, field), 'needs a preferred value');
    return value as V;
  }

  /** `names: { fr: ..., nl: ... }` -> claims on `field` per language, and the preferred text per language. */
  private localised(subject: Subject, field: string, facts: LocalisedFacts | undefined, at: SeedLocation): LocalisedText | null {
    if (!facts) return null;
    const text: LocalisedText = {};
    for (const language of LANGUAGES) {
      const value = this.fact(subject, field, facts[language], this.child(at, language), asText(language));
      if (value !== null) text[language] = value;
    }
    return text;
  }

  /** A list of facts: one claim (or more) per item; the list holds the items with a preferred claim. */
  private list<V>(subject: Subject, field: string, facts: Fact<V>[] | undefined, at: SeedLocation, toClaim: (value: V) => ClaimValue): V[] {
    return this.listItems(subject, field, facts, at, toClaim).map((item) => item.value);
  }

  /**
   * The same, each value with the position it was written at: an item without a preferred value is
   * left out, and a problem about a later item must still point at that item.
   */
  private listItems<V>(subject: Subject, field: string, facts: Fact<V>[] | undefined, at: SeedLocation, toClaim: (value: V) => ClaimValue) {
    const items: Array<{ value: V; at: SeedLocation }> = [];
    (facts ?? []).forEach((fact, index) => {
      const value = this.fact(subject, field, fact, this.child(at, index), toClaim, { discriminator: String(index), position: index });
      if (value !== null) items.push({ value, at: this.child(at, index) });
    });
    return items;
  }

  /** A list of texts in several languages (activities, objectives): one claim per item and language. */
  private localisedList(subject: Subject, field: string, facts: Fact<LocalisedText>[] | undefined, at: SeedLocation): LocalisedText[] {
    const items: LocalisedText[] = [];
    (facts ?? []).forEach((fact, index) => {
      const item: LocalisedText = {};
      for (const language of LANGUAGES) {
        const perLanguage: Fact<string> = {
          claims: fact.claims.flatMap((claim, writtenAt) => (claim.value[language] ? [{ ...claim, value: claim.value[language]!, writtenAt }] : [])),
        };
        if (perLanguage.claims.length === 0) continue;
        const text = this.fact(subject, field, perLanguage, this.child(at, index), asText(language), {
          discriminator: String(index),
          position: index,
        });
        if (text !== null) item[language] = text;
      }
      if (Object.keys(item).length > 0) items.push(item);
    });
    return items;
  }

  private externalIds(subject: Subject, facts: Partial<Record<string, Fact<string>>> | undefined, at: SeedLocation): Record<string, string> | null {
    if (!facts) return null;
    const ids: Record<string, string> = {};
    for (const [scheme, fact] of Object.entries(facts)) {
      const value = this.fact(subject, `externalIds.${scheme}`, fact, this.child(at, scheme), asText());
      if (value !== null) ids[scheme] = value;
    }
    return ids;
  }

  private addSource(source: SourceInput, at: SeedLocation): void {
    this.declare('Source', source.key, at);
    this.addRow(
      'sources',
      {
        id: stableId('Source', source.key),
        key: source.key,
        title: source.title,
        publisher: source.publisher,
        url: source.url ?? null,
        publishedAt: source.publishedAt ?? null,
        retrievedAt: source.retrievedAt ?? null,
        language: source.language ?? null,
        kind: source.kind,
        licence: source.licence ?? null,
        note: source.note ?? null,
      },
      at,
      `source "${source.key}"`,
    );
  }

  private addTerritory(territory: TerritoryInput, at: SeedLocation): void {
    this.declare('Territory', territory.code, at);
    const subject: Subject = { type: 'Territory', id: stableId('Territory', territory.code), source: territory.source, at };
    const edges = (relation: TerritoryRelation, field: 'partOf' | 'overlaps') =>
      this.listItems(subject, field, territory[field], this.child(at, field), asReference('Territory')).forEach(({ value: code, at: edgeAt }) => {
        if (code === territory.code) this.problem(edgeAt, `a territory cannot be ${field === 'partOf' ? 'part of' : 'overlap'} itself`);
        else if (relation === TerritoryRelation.PART_OF) this.partOf.push({ from: territory.code, to: code, at: edgeAt });
        this.addRow(
          'territoryEdges',
          { id: stableId('TerritoryEdge', territory.code, code, relation), from: subject.id, to: this.refer('Territory', code, edgeAt), relation },
          edgeAt,
          `the edge ${territory.code} ${relation} ${code}`,
        );
      });
    edges(TerritoryRelation.PART_OF, 'partOf');
    edges(TerritoryRelation.OVERLAPS, 'overlaps');
    this.addRow(
      'territories',
      {
        id: subject.id,
        code: territory.code,
        level: this.required(this.fact(subject, 'level', territory.level, this.child(at, 'level'), asText()), at, 'level'),
        nutsVersion: this.fact(subject, 'nutsVersion', territory.nutsVersion, this.child(at, 'nutsVersion'), asNumber('year')),
        names: this.localised(subject, 'name', territory.names, this.child(at, 'names')),
        aliases: this.list(subject, 'aliases', territory.aliases, this.child(at, 'aliases'), asText()),
        country: this.fact(subject, 'country', territory.country, this.child(at, 'country'), asText()),
        externalIds: this.externalIds(subject, territory.externalIds, this.child(at, 'externalIds')),
      },
      at,
      `territory "${territory.code}"`,
    );
  }

  private addOrganisation(organisation: OrganisationInput, at: SeedLocation): void {
    this.declare('Organisation', organisation.slug, at);
    const subject: Subject = { type: 'Organisation', id: stableId('Organisation', organisation.slug), source: organisation.source, at };
    const location = this.fact(subject, 'location', organisation.location, this.child(at, 'location'), asReference('Territory'));
    this.addRow(
      'organisations',
      {
        id: subject.id,
        slug: organisation.slug,
        names: this.localised(subject, 'name', organisation.names, this.child(at, 'names')),
        acronym: this.fact(subject, 'acronym', organisation.acronym, this.child(at, 'acronym'), asText()),
        aliases: this.list(subject, 'aliases', organisation.aliases, this.child(at, 'aliases'), asText()),
        kind: this.required(this.fact(subject, 'kind', organisation.kind, this.child(at, 'kind'), asText()), at, 'kind'),
        sector: this.fact(subject, 'sector', organisation.sector, this.child(at, 'sector'), asText()),
        country: this.fact(subject, 'country', organisation.country, this.child(at, 'country'), asText()),
        location: location === null ? null : stableId('Territory', location),
        address: this.fact(subject, 'address', organisation.address, this.child(at, 'address'), asText()),
        website: this.fact(subject, 'website', organisation.website, this.child(at, 'website'), asText()),
        externalIds: this.externalIds(subject, organisation.externalIds, this.child(at, 'externalIds')),
      },
      at,
      `organisation "${organisation.slug}"`,
    );
  }

  private addProgramme(programme: ProgrammeInput, at: SeedLocation): void {
    this.declare('Programme', programme.slug, at);
    const subject: Subject = { type: 'Programme', id: stableId('Programme', programme.slug), source: programme.source, at };
    const field = <K extends keyof ProgrammeInput>(name: K) => this.child(at, name);
    const managingAuthority = this.fact(subject, 'managingAuthority', programme.managingAuthority, field('managingAuthority'), asReference('Organisation'));
    const predecessor = this.fact(subject, 'predecessor', programme.predecessor, field('predecessor'), asReference('Programme'));
    // The programme's two lists of territories, each a link table of its own.
    for (const [key, table, entity, what] of [
      ['eligibleTerritories', 'programmeTerritories', 'ProgrammeTerritory', 'eligible territory'],
      ['coveredRegions', 'programmeRegions', 'ProgrammeRegion', 'covered region'],
    ] as const) {
      this.listItems(subject, key, programme[key], field(key), asReference('Territory')).forEach(({ value: code, at: itemAt }) =>
        this.addRow(table, { id: stableId(entity, programme.slug, code), programme: subject.id, territory: stableId('Territory', code) }, itemAt, `${what} ${code}`),
      );
    }
    const startYear = this.required(this.fact(subject, 'startYear', programme.startYear, field('startYear'), asNumber('year')), at, 'startYear');
    const endYear = this.required(this.fact(subject, 'endYear', programme.endYear, field('endYear'), asNumber('year')), at, 'endYear');
    this.checkEndNotBeforeStart(startYear, endYear, field('endYear'));
    if (predecessor !== null) this.predecessors.push({ programme: programme.slug, predecessor, at: field('predecessor') });
    this.addRow(
      'programmes',
      {
        id: subject.id,
        slug: programme.slug,
        cciCode: this.fact(subject, 'cciCode', programme.cciCode, field('cciCode'), asText()),
        names: this.localised(subject, 'name', programme.names, field('names')),
        kind: this.required(this.fact(subject, 'kind', programme.kind, field('kind'), asText()), at, 'kind'),
        funds: this.list(subject, 'funds', programme.funds, field('funds'), asText()),
        startYear,
        endYear,
        managingAuthority: managingAuthority === null ? null : stableId('Organisation', managingAuthority),
        predecessor: predecessor === null ? null : stableId('Programme', predecessor),
        population: this.fact(subject, 'population', programme.population, field('population'), asNumber('inhabitant')),
        areaKm2: this.fact(subject, 'areaKm2', programme.areaKm2, field('areaKm2'), asNumber('km2')),
        borderRegionCount: this.fact(subject, 'borderRegionCount', programme.borderRegionCount, field('borderRegionCount'), asNumber('region')),
        closedOn: this.fact(subject, 'closedOn', programme.closedOn, field('closedOn'), asDate),
        reportedProjectCount: this.fact(subject, 'reportedProjectCount', programme.reportedProjectCount, field('reportedProjectCount'), asNumber('project')),
      },
      at,
      `programme "${programme.slug}"`,
    );
    this.fundings(subject, programme.slug, programme.funding, field('funding'));
    programme.themes?.forEach((theme, index) => this.addTheme(theme, subject, null, index, this.child(at, 'themes', index), programme.slug));
    programme.outcomes?.forEach((outcome, index) => this.addOutcome(outcome, subject, programme.slug, this.child(at, 'outcomes', index)));
  }

  private addTheme(theme: ThemeInput, programme: Subject, parentId: string | null, position: number, at: SeedLocation, programmeSlug: string): void {
    this.declare('Theme', theme.slug, at);
    this.themeProgrammes.set(theme.slug, programmeSlug);
    const subject: Subject = { type: 'Theme', id: stableId('Theme', theme.slug), source: theme.source ?? programme.source, at };
    this.addRow(
      'themes',
      {
        id: subject.id,
        slug: theme.slug,
        code: this.fact(subject, 'code', theme.code, this.child(at, 'code'), asText()),
        names: this.localised(subject, 'name', theme.names, this.child(at, 'names')),
        position,
        programme: programme.id,
        parent: parentId,
      },
      at,
      `theme "${theme.slug}"`,
    );
    // A child theme without a source of its own takes its parent theme's (it took the programme's).
    const parent: Subject = { ...programme, source: subject.source };
    theme.children?.forEach((child, index) => this.addTheme(child, parent, subject.id, index, this.child(at, 'children', index), programmeSlug));
  }

  /**
   * Amounts on different bases stand side by side; per basis, one planned amount is preferred, and fills
   * the owner's typed budget. Each owner takes the bases its typed fields hold: a programme or a project its
   * total budget and EU funding, a partner its own share. An amount paid is never a budget: it stands beside
   * the planned ones, and is not preferred.
   */
  private fundings(owner: Subject, ownerKey: string, fundings: FundingInput[] | undefined, at: SeedLocation): Map<FundingBasis, PreferredAmount> {
    const preferredAmounts = new Map<FundingBasis, PreferredAmount>();
    const byBasis = new Map<FundingBasis, Array<{ funding: FundingInput; index: number }>>();
    fundings?.forEach((funding, index) => {
      const refusal = FUNDING_BASIS_REFUSALS[owner.type]?.[funding.basis];
      if (refusal) this.problem(this.child(at, index, 'basis'), refusal);
      else byBasis.set(funding.basis, [...(byBasis.get(funding.basis) ?? []), { funding, index }]);
    });
    for (const [basis, group] of byBasis) {
      for (const { funding, index } of group) {
        if ((funding.stage ?? FundingStage.PLANNED) === FundingStage.PAID && funding.preferred === true) {
          this.problem(this.child(at, index, 'preferred'), `an amount paid is not a budget: only a PLANNED ${basis} amount can be preferred`);
        }
      }
      const planned = group.filter(({ funding }) => (funding.stage ?? FundingStage.PLANNED) === FundingStage.PLANNED);
      const marked = planned.filter(({ funding }) => funding.preferred === true);
      if (planned.length > 1 && marked.length !== 1) {
        this.problem(this.child(at, planned[0].index), `${planned.length} planned amounts share the basis ${basis}: mark exactly one "preferred: true"`);
      }
      const preferredEntry = planned.length === 1 ? (planned[0].funding.preferred === false ? undefined : planned[0]) : marked[0];
      for (const { funding, index } of group) {
        const fundingAt = this.child(at, index);
        const id = stableId('Funding', owner.type, ownerKey, funding.key);
        const preferred = funding === preferredEntry?.funding;
        // Rounded where the funding says so, or its claim the amount is taken from (a locator "about 1.3 M").
        const approximate = funding.approximate === true || withDefaultPreferred(funding.claims, true).some((claim) => claim.preferred && claim.approximate === true);
        if (preferred) preferredAmounts.set(basis, { amount: funding.amount, approximate });
        // A project's or partner's preferred amount becomes its typed budget, which the API gives in euros
        // (Interreg budgets are published in euros): another currency would be summed and shown as euros.
        const currency = funding.currency ?? 'EUR';
        if (preferred && owner.type !== 'Programme' && currency !== 'EUR') {
          this.problem(
            this.child(fundingAt, 'currency'),
            `the preferred ${basis} amount is the ${owner.type.toLowerCase()}'s budget in euros: give it in EUR, or mark this one "preferred: false" beside a euro amount`,
          );
        }
        const ownerColumn = { Programme: 'programme', Project: 'project', Participation: 'participation' }[owner.type]!;
        this.addRow(
          'fundings',
          {
            id,
            programme: null,
            project: null,
            participation: null,
            [ownerColumn]: owner.id,
            fund: funding.fund,
            basis: funding.basis,
            stage: funding.stage ?? FundingStage.PLANNED,
            technicalAssistance: funding.technicalAssistance ?? TechnicalAssistance.UNSPECIFIED,
            amount: funding.amount,
            currency,
            approximate,
            preferred,
          },
          fundingAt,
          `funding "${funding.key}"`,
        );
        // The preferred amount's claims: the one marked preferred, or else the first not marked false. (The
        // first was made preferred even beside one marked so: "2 claims are marked preferred".)
        const claims: Fact<string> = { claims: withDefaultPreferred(funding.claims.map((claim) => ({ ...claim, value: funding.amount })), preferred) };
        this.fact(owner, FUNDING_FIELD_BY_BASIS[basis], claims, fundingAt, (amount) => ({ kind: ClaimValueKind.MONEY, value: amount }), {
          discriminator: funding.key,
          unit: currency,
          basis: describeFunding(funding),
          approximate: funding.approximate,
          fundingId: id,
        });
      }
    }
    return preferredAmounts;
  }

  private addOutcome(outcome: OutcomeInput, owner: Subject, ownerKey: string, at: SeedLocation): void {
    const id = stableId('Outcome', owner.type, ownerKey, outcome.key);
    const subject: Subject = { type: 'Outcome', id, source: outcome.source ?? owner.source, at };
    const extras = { unit: outcome.unit, asOf: outcome.asOf, approximate: outcome.approximate };
    const valueClaim = this.factClaim(subject, 'value', outcome.value, this.child(at, 'value'), (v) => asNumber(outcome.unit)(v), extras);
    const value = this.required(valueClaim?.value ?? null, at, 'value');
    // A breakdown row states no source of its own: it comes from where the value does (the preferred
    // value claim's source, quote, date and approximation), not from the outcome's defaults.
    const valueSource = valueClaim?.source;
    const asTheValue = { ...extras, asOf: valueClaim?.asOf ?? outcome.asOf, approximate: valueClaim?.approximate ?? outcome.approximate };
    const breakdown = (outcome.breakdown ?? []).map((row, index) => {
      this.fact(
        subject,
        'breakdown',
        { claims: [{ value: row.value, locator: row.locator ?? valueClaim?.locator, source: valueSource }] },
        this.child(at, 'breakdown', index),
        (v) => ({ ...asNumber(outcome.unit)(v), basis: `${row.dimension}: ${row.key}` }),
        { ...asTheValue, discriminator: `${row.dimension}:${row.key}`, position: index },
      );
      return { dimension: row.dimension, key: row.key, labels: row.labels, value: row.value };
    });
    this.addRow(
      'outcomes',
      {
        id,
        project: owner.type === 'Project' ? owner.id : null,
        programme: owner.type === 'Programme' ? owner.id : null,
        indicator: outcome.indicator ?? outcome.key,
        labels: outcome.labels,
        kind: outcome.kind,
        value,
        unit: outcome.unit,
        // As the preferred value's claim says, where it says (a figure of another date than the outcome's).
        approximate: asTheValue.approximate ?? false,
        asOf: asTheValue.asOf ?? null,
        breakdown,
        notes: this.localisedList(subject, 'notes', outcome.notes, this.child(at, 'notes')),
      },
      at,
      `outcome "${outcome.key}"`,
    );
    outcome.organisations?.forEach((involved, index) => {
      const involvedAt = this.child(at, 'organisations', index);
      const { organisation, relation, ...meta } = involved;
      const slug = this.fact(subject, 'organisations', { claims: [{ ...meta, value: organisation }] }, involvedAt, (key) => ({
        ...asReference('Organisation')(key),
        basis: relation,
      }), { discriminator: organisation, position: index });
      if (slug !== null) {
        this.addRow(
          'outcomeOrganisations',
          { id: stableId('OutcomeOrganisation', id, slug), outcome: id, organisation: stableId('Organisation', slug), relation },
          involvedAt,
          `organisation "${slug}" of this outcome`,
        );
      }
    });
  }

  private addProject(project: ProjectInput, at: SeedLocation): void {
    this.declare('Project', project.slug, at);
    const subject: Subject = { type: 'Project', id: stableId('Project', project.slug), source: project.source, at };
    const field = <K extends keyof ProjectInput>(name: K) => this.child(at, name);
    const programme = this.required(this.fact(subject, 'programme', project.programme, field('programme'), asReference('Programme')), at, 'programme');

    this.listItems(subject, 'themes', project.themes, field('themes'), asReference('Theme')).forEach(({ value: slug, at: itemAt }) => {
      this.projectThemes.push({ theme: slug, programme, at: itemAt });
      this.addRow(
        'projectThemes',
        { id: stableId('ProjectTheme', project.slug, slug), project: subject.id, theme: stableId('Theme', slug) },
        itemAt,
        `theme ${slug}`,
      );
    });
    this.listItems(subject, 'territories', project.territories, field('territories'), asReference('Territory')).forEach(({ value: code, at: itemAt }) =>
      this.addRow(
        'projectTerritories',
        { id: stableId('ProjectTerritory', project.slug, code), project: subject.id, territory: stableId('Territory', code) },
        itemAt,
        `territory ${code}`,
      ),
    );
    const amounts = this.fundings(subject, project.slug, project.funding, field('funding'));
    const startDate = this.fact(subject, 'startDate', project.startDate, field('startDate'), asDate);
    const endDate = this.fact(subject, 'endDate', project.endDate, field('endDate'), asDate);
    // A project that ends before it starts would never match `activeOn`.
    this.checkEndNotBeforeStart(startDate, endDate, field('endDate'));
    this.addRow(
      'projects',
      {
        id: subject.id,
        slug: project.slug,
        acronym: this.fact(subject, 'acronym', project.acronym, field('acronym'), asText()),
        titles: this.localised(subject, 'title', project.titles, field('titles')),
        summaries: this.localised(subject, 'summary', project.summaries, field('summaries')),
        programme: stableId('Programme', programme),
        startDate,
        endDate,
        durationMonths: this.fact(subject, 'durationMonths', project.durationMonths, field('durationMonths'), asNumber('month')),
        totalBudget: amounts.get(FundingBasis.TOTAL_BUDGET)?.amount ?? null,
        totalBudgetApproximate: amounts.get(FundingBasis.TOTAL_BUDGET)?.approximate ?? false,
        euFunding: amounts.get(FundingBasis.EU_FUNDING)?.amount ?? null,
        euFundingApproximate: amounts.get(FundingBasis.EU_FUNDING)?.approximate ?? false,
        cofinancingRate: this.fact(subject, 'cofinancingRate', project.cofinancingRate, field('cofinancingRate'), asNumber('fraction')),
        website: this.fact(subject, 'website', project.website, field('website'), asText()),
        lineage: this.fact(subject, 'lineage', project.lineage, field('lineage'), asText(Language.EN)),
        partnership: this.localised(subject, 'partnership', project.partnership, field('partnership')),
        objectives: this.localisedList(subject, 'objectives', project.objectives, field('objectives')),
        activities: this.localisedList(subject, 'activities', project.activities, field('activities')),
        targetGroups: this.localisedList(subject, 'targetGroups', project.targetGroups, field('targetGroups')),
        obstacles: this.localisedList(subject, 'obstacles', project.obstacles, field('obstacles')),
      },
      at,
      `project "${project.slug}"`,
    );
    project.partners?.forEach((partner, index) => {
      const partnerAt = this.child(at, 'partners', index);
      const participation: Subject = {
        type: 'Participation',
        id: stableId('Participation', project.slug, partner.organisation),
        source: partner.source ?? project.source,
        at: partnerAt,
      };
      const organisationId = this.refer('Organisation', partner.organisation, this.child(partnerAt, 'organisation'));
      const role = this.fact(participation, 'role', partner.role, this.child(partnerAt, 'role'), asText());
      // The project's `leadPartner` field mirrors the lead-partner role claims, so that conflicting
      // statements about who leads a project can be read on the project itself.
      const leadClaims = partner.role.claims.flatMap((claim, writtenAt) => (claim.value === 'LEAD_PARTNER' ? [{ ...claim, writtenAt }] : []));
      if (leadClaims.length > 0) {
        this.fact(
          { ...subject, source: participation.source },
          'leadPartner',
          { claims: withDefaultPreferred(leadClaims.map((claim) => ({ ...claim, value: partner.organisation })), role === 'LEAD_PARTNER') },
          this.child(partnerAt, 'role'),
          asReference('Organisation'),
          { discriminator: partner.organisation },
        );
      }
      const partnerAmounts = this.fundings(participation, `${project.slug}/${partner.organisation}`, partner.funding, this.child(partnerAt, 'funding'));
      this.addRow(
        'participations',
        {
          id: participation.id,
          project: subject.id,
          organisation: organisationId,
          role,
          budget: partnerAmounts.get(FundingBasis.PARTNER_SHARE)?.amount ?? null,
          budgetApproximate: partnerAmounts.get(FundingBasis.PARTNER_SHARE)?.approximate ?? false,
        },
        partnerAt,
        `partner "${partner.organisation}"`,
      );
    });
    project.outcomes?.forEach((outcome, index) => this.addOutcome(outcome, subject, project.slug, this.child(at, 'outcomes', index)));
  }
}

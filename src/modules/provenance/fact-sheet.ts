import { Field, ObjectType } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { loadNode } from '../../graphql/node.resolver';
import { refId } from '../../graphql/loaders';
import { Language, LocalisedText, pickText } from '../common/localised';
import { normaliseDecimal } from '../common/money';
import { ORGANISATION_KIND_LABELS } from '../organisation/organisation.entity';
import { OutcomeKind } from '../outcome/outcome.entity';
import { Claim, ClaimValueKind } from './claim.entity';
import { Source } from './source.entity';

/** What each field is called in a fact sheet, per language. A field missing here shows its API name. */
const FIELD_LABELS: Record<string, LocalisedText> = {
  name: { en: 'Name', fr: 'Nom', nl: 'Naam' },
  title: { en: 'Title', fr: 'Titre', nl: 'Titel' },
  summary: { en: 'Summary', fr: 'Résumé', nl: 'Samenvatting' },
  acronym: { en: 'Acronym', fr: 'Acronyme', nl: 'Acroniem' },
  aliases: { en: 'Also known as', fr: 'Autres noms', nl: 'Ook bekend als' },
  cciCode: { en: 'CCI code', fr: 'Code CCI', nl: 'CCI-code' },
  kind: { en: 'Kind', fr: 'Type', nl: 'Soort' },
  sector: { en: 'Sector', fr: 'Secteur', nl: 'Sector' },
  funds: { en: 'Fund', fr: 'Fonds', nl: 'Fonds' },
  startYear: { en: 'First year', fr: 'Première année', nl: 'Eerste jaar' },
  endYear: { en: 'Last year', fr: 'Dernière année', nl: 'Laatste jaar' },
  managingAuthority: { en: 'Managing authority', fr: 'Autorité de gestion', nl: 'Beheersautoriteit' },
  predecessor: { en: 'Previous programme', fr: 'Programme précédent', nl: 'Vorig programma' },
  population: { en: 'Population', fr: 'Population', nl: 'Bevolking' },
  areaKm2: { en: 'Area (km²)', fr: 'Superficie (km²)', nl: 'Oppervlakte (km²)' },
  borderRegionCount: { en: 'Border regions', fr: 'Régions frontalières', nl: 'Grensregio’s' },
  closedOn: { en: 'Closed on', fr: 'Clôturé le', nl: 'Afgesloten op' },
  reportedProjectCount: { en: 'Projects funded', fr: 'Projets financés', nl: 'Gefinancierde projecten' },
  eligibleTerritories: { en: 'Eligible territory', fr: 'Territoire éligible', nl: 'Subsidiabel gebied' },
  coveredRegions: { en: 'Region covered', fr: 'Région couverte', nl: 'Bestreken regio' },
  euFunding: { en: 'EU funding (ERDF)', fr: 'Financement UE (FEDER)', nl: 'EU-financiering (EFRO)' },
  totalBudget: { en: 'Total budget', fr: 'Budget total', nl: 'Totaal budget' },
  budget: { en: 'Partner budget', fr: 'Budget du partenaire', nl: 'Partnerbudget' },
  programme: { en: 'Programme', fr: 'Programme', nl: 'Programma' },
  themes: { en: 'Theme', fr: 'Thème', nl: 'Thema' },
  code: { en: 'Code', fr: 'Code', nl: 'Code' },
  startDate: { en: 'Start date', fr: 'Date de début', nl: 'Begindatum' },
  endDate: { en: 'End date', fr: 'Date de fin', nl: 'Einddatum' },
  durationMonths: { en: 'Duration (months)', fr: 'Durée (mois)', nl: 'Looptijd (maanden)' },
  website: { en: 'Website', fr: 'Site web', nl: 'Website' },
  lineage: { en: 'History', fr: 'Historique', nl: 'Voorgeschiedenis' },
  partnership: { en: 'Partnership', fr: 'Partenariat', nl: 'Partnerschap' },
  objectives: { en: 'Objective', fr: 'Objectif', nl: 'Doelstelling' },
  activities: { en: 'Activity', fr: 'Activité', nl: 'Activiteit' },
  targetGroups: { en: 'Target group', fr: 'Public cible', nl: 'Doelgroep' },
  obstacles: { en: 'Obstacle', fr: 'Obstacle', nl: 'Obstakel' },
  territories: { en: 'Territory addressed', fr: 'Territoire visé', nl: 'Doelgebied' },
  leadPartner: { en: 'Lead partner', fr: 'Chef de file', nl: 'Hoofdpartner' },
  role: { en: 'Role', fr: 'Rôle', nl: 'Rol' },
  location: { en: 'Based in', fr: 'Implantation', nl: 'Gevestigd in' },
  address: { en: 'Address', fr: 'Adresse', nl: 'Adres' },
  country: { en: 'Country', fr: 'Pays', nl: 'Land' },
  breakdown: { en: 'Breakdown', fr: 'Répartition', nl: 'Uitsplitsing' },
  organisations: { en: 'Organisation involved', fr: 'Organisation concernée', nl: 'Betrokken organisatie' },
  notes: { en: 'Note', fr: 'Remarque', nl: 'Opmerking' },
};

/** Coded values as a reader would write them, per field and language. A code missing here shows as it is. */
const VALUE_LABELS: Record<string, Record<string, LocalisedText>> = {
  role: {
    LEAD_PARTNER: { en: 'lead partner', fr: 'chef de file', nl: 'hoofdpartner' },
    PARTNER: { en: 'partner', fr: 'partenaire', nl: 'partner' },
    ASSOCIATED_PARTNER: { en: 'associated partner', fr: 'partenaire associé', nl: 'geassocieerde partner' },
  },
  // An organisation's kind; a programme's kind (CROSS_BORDER, ...) is not listed and shows as its code.
  kind: ORGANISATION_KIND_LABELS,
};

/** A statement ended with a full stop, unless it ends a sentence already (a quoted text: "…(Alstom et Bombardier)."). */
function endSentence(statement: string): string {
  return /[.!?…]$/.test(statement) ? statement : `${statement}.`;
}

/** The words of a quote around the value and its source. */
const AS_OF: LocalisedText = { en: 'as of', fr: 'au', nl: 'per' };
const SOURCE: LocalisedText = { en: 'Source', fr: 'Source', nl: 'Bron' };

/** How a target is marked in a fact sheet, so that it does not read as a result. */
const TARGET_LABEL: LocalisedText = { en: 'target', fr: 'objectif', nl: 'streefwaarde' };

/** An outcome as named in a fact sheet: its own label, marked when it is a target. */
export function outcomeName(outcome: { labels: LocalisedText; kind: OutcomeKind }, lang: Language): string | null {
  const label = pickText(outcome.labels, lang);
  if (label == null) return null;
  return outcome.kind === OutcomeKind.TARGET ? `${label} (${pickText(TARGET_LABEL, lang)})` : label;
}

export function fieldLabel(field: string, lang: Language): string {
  return pickText(FIELD_LABELS[field], lang) ?? field;
}

const LOCALES: Record<Language, string> = { [Language.EN]: 'en-GB', [Language.FR]: 'fr-BE', [Language.NL]: 'nl-BE' };

/** Units whose numbers are written without grouping: a year is 2014 in every language, not "2,014". */
const UNGROUPED_UNITS = new Set(['year']);

/**
 * An exact decimal string grouped for reading in a language ("170 000 000", "1 319 699,36"), or only with the
 * language's decimal separator for a unit such as a year. The sign is written apart from the whole part:
 * "-0.5" has a whole part of 0, which as a number has no sign.
 */
export function formatDecimal(value: string, lang: Language, unit?: string | null): string {
  return writeDecimal(normaliseDecimal(value), lang, unit, 0);
}

/**
 * An amount of money as `formatDecimal` writes it, with its cents whole: "123 456,50 EUR", not "123 456,5"
 * (normalising drops the zero); an amount without cents stays without them ("170 000 000").
 */
export function formatMoney(value: string, lang: Language): string {
  return writeDecimal(normaliseDecimal(value), lang, null, 2);
}

function writeDecimal(normalised: string, lang: Language, unit: string | null | undefined, fractionDigits: number): string {
  const negative = normalised.startsWith('-');
  const [whole, fraction] = (negative ? normalised.slice(1) : normalised).split('.');
  const { wholes, decimal, minus } = numberFormat(lang, !UNGROUPED_UNITS.has(unit ?? ''));
  const written = wholes.format(BigInt(whole)) + (fraction ? `${decimal}${fraction.padEnd(fractionDigits, '0')}` : '');
  return negative && /[1-9]/.test(written) ? `${minus}${written}` : written;
}

/** A language's formatter of whole numbers (grouped or not), decimal separator and minus sign, made once. */
const numberFormats = new Map<string, { wholes: Intl.NumberFormat; decimal: string; minus: string }>();

function numberFormat(lang: Language, grouped: boolean) {
  const key = `${lang}:${grouped}`;
  let format = numberFormats.get(key);
  if (!format) {
    const parts = new Intl.NumberFormat(LOCALES[lang]).formatToParts(-1.5);
    const part = (type: string) => parts.find((entry) => entry.type === type)!.value;
    format = { wholes: new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 0, useGrouping: grouped }), decimal: part('decimal'), minus: part('minusSign') };
    numberFormats.set(key, format);
  }
  return format;
}

@ObjectType({ description: 'A source as cited in a fact sheet.' })
export class Citation {
  @Field({ description: 'Stable key of the source.' })
  key!: string;

  @Field({ description: 'Title of the document.' })
  title!: string;

  @Field({ description: 'Who published it.' })
  publisher!: string;

  @Field(() => String, { nullable: true, description: 'Where to read it; null when no address was recorded.' })
  url!: string | null;

  @Field(() => String, { nullable: true, description: 'When it was published, as precise as known.' })
  publishedAt!: string | null;
}

@ObjectType({ description: 'One sourced statement, ready to quote: what, how much, as of when, according to whom.' })
export class FactSheetEntry {
  @Field({ description: 'The field, as named in the API ("euFunding").' })
  field!: string;

  @Field({ description: 'What the statement is about, in the asked language ("Financement UE (FEDER)").' })
  label!: string;

  @Field({ description: 'The value as a reader would write it: number grouped, money with its currency, a name for a record.' })
  value!: string;

  @Field(() => String, { nullable: true, description: 'The unit of a number ("person", "km2") or the currency of money.' })
  unit!: string | null;

  @Field(() => String, { nullable: true, description: 'What the value measures, when that matters ("excluding technical assistance").' })
  basis!: string | null;

  @Field(() => String, { nullable: true, description: 'The date the value holds for.' })
  asOf!: string | null;

  @Field({ description: 'True when the source gives a rounded figure.' })
  approximate!: boolean;

  @Field({ description: 'True for the value the API shows; false for a version other sources contradict or that is not retained.' })
  preferred!: boolean;

  @Field(() => String, { nullable: true, description: 'Where in the source: a short quote or a section.' })
  locator!: string | null;

  @Field(() => Citation, { description: 'The source.' })
  source!: Citation;

  @Field({ description: 'The whole statement as one line, with its source, for pasting into a text.' })
  quote!: string;

  @Field(() => Claim, { description: 'The claim behind the entry.' })
  claim!: Claim;
}

interface Named {
  names?: LocalisedText;
  titles?: LocalisedText;
  labels?: LocalisedText;
  code?: string;
  slug?: string;
}

/** A record's name in a language (its names, title or label, else its code or slug), or `fallback`. */
export function nameOf(record: Named | null, fallback: string, lang: Language): string {
  if (!record) return fallback;
  return pickText(record.names ?? record.titles ?? record.labels, lang) ?? record.code ?? record.slug ?? fallback;
}

/**
 * Turns claims into fact sheet entries. `labelFor` may name a claim better than its field (an outcome's
 * value is labelled with the outcome's own label).
 */
export async function factSheetEntries(
  context: RequestContext,
  claims: Claim[],
  lang: Language,
  labelFor: (claim: Claim) => string | null = () => null,
): Promise<FactSheetEntry[]> {
  const sourceById = await context.loaders.existing(Source, claims.map((claim) => refId(claim.source)!));
  const references = await Promise.all(
    claims.map((claim) =>
      claim.valueKind === ClaimValueKind.REFERENCE && claim.referenceType && claim.referenceId
        ? loadNode(context, claim.referenceType, claim.referenceId)
        : null,
    ),
  );
  return claims.map((claim, index) => {
    const source = sourceById.get(refId(claim.source)!)!;
    const label = labelFor(claim) ?? fieldLabel(claim.field, lang);
    let value: string;
    switch (claim.valueKind) {
      case ClaimValueKind.MONEY:
        value = `${formatMoney(claim.value, lang)} ${claim.unit ?? 'EUR'}`;
        break;
      case ClaimValueKind.NUMBER:
        value = formatDecimal(claim.value, lang, claim.unit);
        break;
      case ClaimValueKind.REFERENCE:
        value = nameOf(references[index] as Named | null, claim.value, lang);
        break;
      default:
        value = pickText(VALUE_LABELS[claim.field]?.[claim.value], lang) ?? claim.value;
    }
    const unit = claim.valueKind === ClaimValueKind.NUMBER || claim.valueKind === ClaimValueKind.MONEY ? claim.unit ?? null : null;
    const shownValue = `${claim.approximate ? '~' : ''}${value}${claim.valueKind === ClaimValueKind.NUMBER && unit ? ` ${unit}` : ''}`;
    const details = [claim.basis, claim.asOf ? `${pickText(AS_OF, lang)} ${claim.asOf}` : null].filter(Boolean).join(', ');
    const citation = [source.publisher, `“${source.title}”`, source.publishedAt, source.url].filter(Boolean).join(', ');
    return {
      field: claim.field,
      label,
      value,
      unit,
      basis: claim.basis ?? null,
      asOf: claim.asOf ?? null,
      approximate: claim.approximate,
      preferred: claim.preferred,
      locator: claim.locator ?? null,
      source: { key: source.key, title: source.title, publisher: source.publisher, url: source.url ?? null, publishedAt: source.publishedAt ?? null },
      quote: `${endSentence(`${label}: ${shownValue}${details ? ` (${details})` : ''}`)} ${pickText(SOURCE, lang)}: ${citation}.`,
      claim,
    };
  });
}

/**
 * The fact sheet of a record: its own claims, then those of the records that hang off it (a project's
 * partners and outcomes), each named by the caller in the asked language (an outcome by its own label, a
 * participation by its organisation): an outcome's value is labelled with that name alone, any other
 * claim with the name and the field ("VDAB – Role").
 */
export async function recordFactSheet(
  context: RequestContext,
  ownClaims: Claim[],
  related: Array<{ id: string; name: string | null; claims: Claim[] }>,
  lang: Language,
): Promise<FactSheetEntry[]> {
  const names = new Map(related.filter((record) => record.name).map((record) => [record.id, record.name!]));
  return factSheetEntries(context, [...ownClaims, ...related.flatMap((record) => record.claims)], lang, (claim) => {
    const name = names.get(claim.subjectId);
    if (!name) return null;
    return claim.field === 'value' ? name : `${name} – ${fieldLabel(claim.field, lang)}${claim.basis ? ` (${claim.basis})` : ''}`;
  });
}

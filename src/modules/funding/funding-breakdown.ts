import { Arg, Ctx, Field, Int, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { allOf, type Condition } from '../../graphql/connection';
import { badUserInput } from '../../graphql/errors';
import type { RequestContext } from '../../graphql/context';
import { LangArg, Language, LocalisedText, pickText } from '../common/localised';
import { Money, money } from '../common/money';
import { ORGANISATION_KIND_LABELS, OrganisationKind } from '../organisation/organisation.entity';
import { ProjectFilter } from '../project/project.inputs';
import { ProjectService } from '../project/project.service';
import { formatDecimal } from '../provenance/fact-sheet';
import { FundingBasis } from './funding.entity';

export enum BreakdownDimension {
  PROGRAMME = 'PROGRAMME',
  THEME = 'THEME',
  TERRITORY = 'TERRITORY',
  COUNTRY = 'COUNTRY',
  ORGANISATION_KIND = 'ORGANISATION_KIND',
}
registerEnumType(BreakdownDimension, {
  name: 'BreakdownDimension',
  description: 'What to group money by.',
  valuesConfig: {
    PROGRAMME: { description: 'The programme of each project (each project in one bucket).' },
    THEME: { description: 'The priority axis of each project (a project under two axes is in both buckets).' },
    TERRITORY: { description: 'The territories each project names as addressed (a project naming several is in each).' },
    COUNTRY: { description: "The partners' countries, with the partners' own published budgets." },
    ORGANISATION_KIND: { description: "The partners' kinds, with the partners' own published budgets." },
  },
});

const PARTNER_LEVEL = new Set([BreakdownDimension.COUNTRY, BreakdownDimension.ORGANISATION_KIND]);

@ObjectType({ description: 'One bucket of a funding breakdown.' })
export class FundingBucket {
  @Field(() => String, { nullable: true, description: 'The bucket’s key (a slug, a code, a kind); null for records with none.' })
  key!: string | null;

  @Field({ description: 'The bucket’s name in the asked language.' })
  label!: string;

  @Field(() => Money, { nullable: true, description: 'The sum of the published amounts in the bucket; null when none was published.' })
  amount!: Money | null;

  @Field(() => Int, { description: 'How many projects are in the bucket.' })
  projectCount!: number;

  @Field(() => Int, { description: 'How many records of the bucket (see `records`) had a published amount.' })
  recordsWithAmount!: number;

  @Field(() => Int, { description: 'How many records of the bucket had no published amount: the sum leaves them out.' })
  recordsWithoutAmount!: number;
}

@ObjectType({ description: 'Money grouped along one dimension, saying what was counted, what was missing and what overlaps.' })
export class FundingBreakdown {
  @Field(() => BreakdownDimension, { description: 'What the money is grouped by.' })
  by!: BreakdownDimension;

  @Field(() => FundingBasis, { description: 'Which amounts are summed: total budgets, EU funding, or partners’ own shares.' })
  basis!: FundingBasis;

  @Field({ description: 'What each bucket counts in `recordsWithAmount`/`recordsWithoutAmount`: "projects" or "participations".' })
  records!: string;

  @Field(() => [FundingBucket], { description: 'The buckets, largest amount first.' })
  buckets!: FundingBucket[];

  @Field(() => Int, { description: 'How many projects match the filter, each counted once.' })
  projectCount!: number;

  @Field(() => Int, {
    description:
      'How many of the matching projects are in no bucket. Grouped by COUNTRY or ORGANISATION_KIND, these are the projects ' +
      'with no partner on record. Project-level groupings put a project with no theme or territory in the ' +
      'bucket whose key is null, so this is 0 for them.',
  })
  projectsInNoBucket!: number;

  @Field(() => Money, { nullable: true, description: 'The sum over every matching record, each counted once.' })
  total!: Money | null;

  @Field({
    description:
      'True when a record sits in more than one bucket: the buckets then count it more than once, and their amounts add up to ' +
      'more than the total when such a record has an amount (the note says which).',
  })
  overlapping!: boolean;

  @Field({ description: 'How to read the figures, in plain words.' })
  note!: string;
}

const NONE: LocalisedText = { en: '(none)', fr: '(aucun)', nl: '(geen)' };

/** The SQL that puts each project (or participation) into its buckets. */
function groupingSql(by: BreakdownDimension): string {
  switch (by) {
    case BreakdownDimension.PROGRAMME:
      return `select p.id as project_id, g.slug as key, g.names as labels from project p join programme g on g.id = p.programme_id`;
    case BreakdownDimension.THEME:
      // Objectives count under their axis: a project filed under an axis and one of its objectives is in one bucket.
      return `select distinct pt.project_id, root.slug as key, root.names as labels
        from project_theme pt
        join (with recursive up(theme_id, root_id) as (
                select id, id from theme where parent_id is null
                union select t.id, up.root_id from theme t join up on t.parent_id = up.theme_id)
              select theme_id, root_id from up) axes on axes.theme_id = pt.theme_id
        join theme root on root.id = axes.root_id`;
    case BreakdownDimension.TERRITORY:
      return `select distinct x.project_id, t.code as key, t.names as labels from project_territory x join territory t on t.id = x.territory_id`;
    default:
      throw new Error(`${by} is grouped by partner`);
  }
}

type BucketRow = { key: string | null; labels: LocalisedText | null; projects: number; with_amount: number; without_amount: number; amount: string | null; approximate: boolean };

interface BucketsAndTotals {
  buckets: BucketRow[];
  projects: number;
  /** Selected projects that no bucket holds: under a partner-level grouping, those without participations. */
  unplaced: number;
  amount: string | null;
  /** Whether an amount in the total is rounded in its source. */
  approximate: boolean;
  /** Records placed in buckets, counting a record once per bucket it sits in. */
  memberships: number;
  records: number;
  with_amount: number;
  /** Amounts placed in buckets, counting an amount once per bucket it sits in. */
  placed_with_amount: number;
}

/**
 * The buckets of the projects the conditions select, and the totals over them, in one statement: the
 * selection (a filter can be most of the work) is evaluated once for both. Project-level groupings place
 * projects with their total budget or EU funding; partner-level ones place participations with the
 * partner's own budget.
 */
async function bucketsAndTotals(context: RequestContext, by: BreakdownDimension, basis: FundingBasis, conditions: Condition[]): Promise<BucketsAndTotals> {
  const filter = allOf(conditions);
  const where = filter.sql ? `where ${filter.sql}` : '';
  const amountColumn = basis === FundingBasis.EU_FUNDING ? 'p.eu_funding' : 'p.total_budget';
  const selected = `selected as materialized (select p.id, ${amountColumn} as amount, ${amountColumn}_approximate as approximate from project p ${where})`;
  // A sum is approximate when an amount in it is: the amounts left out (null) say nothing.
  const approximate = `coalesce(bool_or(approximate) filter (where amount is not null), false)`;
  const grouped = (projects: string) => `grouped as (
      select key, labels, ${projects}::int as projects, (count(*) filter (where amount is not null))::int as with_amount,
             (count(*) filter (where amount is null))::int as without_amount, sum(amount) as amount, ${approximate} as approximate
      from placed group by key, labels)`;
  const buckets = `coalesce((select json_agg(json_build_object('key', key, 'labels', labels, 'projects', projects,
      'with_amount', with_amount, 'without_amount', without_amount, 'amount', amount::text, 'approximate', approximate) order by amount desc nulls last, key) from grouped), '[]')`;
  const sql = PARTNER_LEVEL.has(by)
    ? `with ${selected},
        placed as (select ${by === BreakdownDimension.COUNTRY ? 'o.country' : 'o.kind'} as key, null::jsonb as labels, pa.project_id, pa.budget as amount,
            pa.budget_approximate as approximate
          from participation pa join selected on selected.id = pa.project_id join organisation o on o.id = pa.organisation_id),
        ${grouped('count(distinct project_id)')}
       select ${buckets} as buckets, (select count(*) from selected)::int as projects,
              ((select count(*) from selected) - (select count(distinct project_id) from placed))::int as unplaced,
              (select sum(amount) from placed)::text as amount, (select ${approximate} from placed) as approximate,
              (select count(*) from placed)::int as memberships, (select count(*) from placed)::int as records,
              (select count(amount) from placed)::int as with_amount, (select count(amount) from placed)::int as placed_with_amount`
    : `with ${selected}, buckets as (${groupingSql(by)}),
        placed as (select buckets.key, buckets.labels, selected.amount, selected.approximate from selected left join buckets on buckets.project_id = selected.id),
        ${grouped('count(*)')}
       select ${buckets} as buckets, (select count(*) from selected)::int as projects, 0 as unplaced, (select sum(amount) from selected)::text as amount,
              (select ${approximate} from selected) as approximate, (select count(*) from placed)::int as memberships, (select count(*) from selected)::int as records,
              (select count(amount) from selected)::int as with_amount, (select count(amount) from placed)::int as placed_with_amount`;
  const bindings = filter.bindings!;
  const result: { rows: BucketsAndTotals[] } = await context.sql.raw(sql, bindings);
  return result.rows[0];
}

@Resolver()
export class FundingBreakdownResolver {
  @Query(() => FundingBreakdown, {
    description:
      'Money grouped by programme, theme, territory, country or kind of organisation, for the projects a filter selects. ' +
      'Says how many records had a published amount and how many had none, and whether buckets overlap. A partner’s ' +
      'money is only ever its own published budget, never a share of the project total.',
  })
  async fundingBreakdown(
    @Ctx() context: RequestContext,
    @Arg('by', () => BreakdownDimension, { description: 'What to group by.' }) by: BreakdownDimension,
    @Arg('filter', () => ProjectFilter, { nullable: true, description: 'Which projects; all when absent.' }) filter?: ProjectFilter | null,
    @Arg('basis', () => FundingBasis, {
      defaultValue: FundingBasis.TOTAL_BUDGET,
      description: 'For project-level groupings: total budgets or EU funding (PARTNER_SHARE is refused). Partner-level groupings always sum partner shares.',
    })
    basis: FundingBasis = FundingBasis.TOTAL_BUDGET,
    @LangArg('The language of labels and of the note; English when absent or null.') asked?: Language | null,
  ): Promise<FundingBreakdown> {
    const lang = asked ?? Language.EN;
    const partnerLevel = PARTNER_LEVEL.has(by);
    // Project-level groupings sum a project amount: they would sum total budgets under a partner-share label.
    if (!partnerLevel && basis === FundingBasis.PARTNER_SHARE) {
      throw badUserInput('basis', `"basis: PARTNER_SHARE" sums partners' own budgets, by COUNTRY or ORGANISATION_KIND; grouped by ${by}, use TOTAL_BUDGET or EU_FUNDING.`);
    }
    const conditions = await new ProjectService(context).conditions(filter);
    const effectiveBasis = partnerLevel ? FundingBasis.PARTNER_SHARE : basis;
    const { buckets: rows, ...totals } = await bucketsAndTotals(context, by, basis, conditions);

    const regionNames = new Intl.DisplayNames([lang], { type: 'region' });
    const label = (row: BucketRow): string => {
      if (row.key === null) return pickText(NONE, lang)!;
      if (by === BreakdownDimension.COUNTRY) return regionNames.of(row.key) ?? row.key;
      if (by === BreakdownDimension.ORGANISATION_KIND) return pickText(ORGANISATION_KIND_LABELS[row.key as OrganisationKind], lang) ?? row.key;
      return pickText(row.labels, lang) ?? row.key;
    };
    const overlapping = totals.memberships > totals.records;
    // Records in several buckets with no amount among them: the buckets' amounts still add up to the total.
    const amountsOverlap = totals.placed_with_amount > totals.with_amount;
    const recordsWord = partnerLevel ? 'participations' : 'projects';
    const note = breakdownNote(lang, {
      partnerLevel,
      basis,
      withAmount: totals.with_amount,
      records: totals.records,
      overlapping,
      amountsOverlap,
      approximate: totals.approximate,
      unplaced: totals.unplaced,
      projects: totals.projects,
    });
    return {
      by,
      basis: effectiveBasis,
      records: recordsWord,
      buckets: rows.map((row) => ({
        key: row.key,
        label: label(row),
        amount: money(row.amount, 'EUR', row.approximate),
        projectCount: row.projects,
        recordsWithAmount: row.with_amount,
        recordsWithoutAmount: row.without_amount,
      })),
      projectCount: totals.projects,
      projectsInNoBucket: totals.unplaced,
      total: money(totals.amount, 'EUR', totals.approximate),
      overlapping,
      note,
    };
  }
}

interface NoteFacts {
  partnerLevel: boolean;
  basis: FundingBasis;
  withAmount: number;
  records: number;
  overlapping: boolean;
  /** Whether a record in several buckets has an amount, so that the buckets' amounts add up to more than the total. */
  amountsOverlap: boolean;
  /** Whether an amount summed is rounded in its source. */
  approximate: boolean;
  /** Matching projects in no bucket (partner-level groupings: no partner on record). */
  unplaced: number;
  projects: number;
}

/**
 * What a reader must know to quote a breakdown, in the asked language: what the amounts are, how many
 * records had none, whether buckets overlap, and how many projects no bucket holds.
 */
function breakdownNote(lang: Language, { partnerLevel, basis, withAmount, records, overlapping, amountsOverlap, approximate, unplaced, projects }: NoteFacts): string {
  const euFunding = basis === FundingBasis.EU_FUNDING;
  // As the fact sheets write numbers in each language.
  const [some, all] = [formatDecimal(String(withAmount), lang), formatDecimal(String(records), lang)];
  // Written as a count of a count, which reads right for one project as for many, of one as of many.
  const [partnerless, matching] = [formatDecimal(String(unplaced), lang), formatDecimal(String(projects), lang)];
  const sentences: Record<Language, () => string[]> = {
    [Language.EN]: () => {
      const [one, many] = partnerLevel ? ['participation', 'participations'] : ['project', 'projects'];
      return [
        partnerLevel
          ? 'Amounts are the partners’ own published budgets; a project’s total is never split among its partners.'
          : `Amounts are the projects’ ${euFunding ? 'EU funding' : 'total budgets'}, as published; a budget is not spending.`,
        `${some} of ${all} ${many} had a published amount; the others are left out of the sums.`,
        ...(approximate ? ['Some amounts are rounded in their sources, and so are the sums that hold them (`approximate`).'] : []),
        !overlapping
          ? `Each ${one} sits in one bucket.`
          : amountsOverlap
            ? `Some ${many} sit in more than one bucket, so the buckets add up to more than the total, which counts each once.`
            : `Some ${many} sit in more than one bucket, but none of them has a published amount, so the buckets’ amounts add up to the total.`,
        ...(unplaced
          ? [`Projects with no partner on record, so in no bucket: ${partnerless} of ${matching}.`]
          : []),
      ];
    },
    // Participations are feminine, projects masculine; a narrow no-break space before ";", a no-break space before ":".
    [Language.FR]: () => {
      const words = partnerLevel
        ? { each: 'Chaque participation', some: 'Certaines participations', many: 'participations', left: 'laissées', eachOne: 'chacune', them: 'elles' }
        : { each: 'Chaque projet', some: 'Certains projets', many: 'projets', left: 'laissés', eachOne: 'chacun', them: 'eux' };
      return [
        partnerLevel
          ? 'Les montants sont les budgets propres publiés des partenaires\u202f; le total d’un projet n’est jamais réparti entre ses partenaires.'
          : `Les montants correspondent ${euFunding ? 'au financement de l’UE' : 'aux budgets totaux'} des projets, tels que publiés\u202f; un budget n’est pas une dépense.`,
        `Un montant était publié pour ${some} des ${all} ${words.many}\u202f; les autres sont ${words.left} hors des sommes.`,
        ...(approximate ? ['Certains montants sont arrondis dans leurs sources, et les sommes qui les comptent le sont donc aussi (`approximate`).'] : []),
        !overlapping
          ? `${words.each} figure dans un seul groupe.`
          : amountsOverlap
            ? `${words.some} figurent dans plusieurs groupes\u00a0: les groupes additionnés dépassent donc le total, qui compte ${words.eachOne} une fois.`
            : `${words.some} figurent dans plusieurs groupes, mais aucun montant n’est publié pour ${words.them}\u00a0: les montants des groupes additionnés donnent donc le total.`,
        ...(unplaced
          ? [`Projets sans partenaire enregistré, donc dans aucun groupe\u00a0: ${partnerless} sur ${matching}.`]
          : []),
      ];
    },
    [Language.NL]: () => {
      const [each, many] = partnerLevel ? ['Elke deelname', 'deelnames'] : ['Elk project', 'projecten'];
      return [
        partnerLevel
          ? 'De bedragen zijn de eigen gepubliceerde budgetten van de partners; het totaal van een project wordt nooit over zijn partners verdeeld.'
          : `De bedragen zijn ${euFunding ? 'de EU-financiering' : 'de totale budgetten'} van de projecten, zoals gepubliceerd; een budget is geen uitgave.`,
        `Voor ${some} van de ${all} ${many} was een bedrag gepubliceerd; de andere blijven buiten de totalen.`,
        ...(approximate ? ['Sommige bedragen zijn in hun bronnen afgerond, en dus ook de totalen waarin ze meetellen (`approximate`).'] : []),
        !overlapping
          ? `${each} staat in één groep.`
          : amountsOverlap
            ? `Sommige ${many} staan in meer dan één groep, zodat de groepen samen meer bedragen dan het totaal, dat elk één keer telt.`
            : `Sommige ${many} staan in meer dan één groep, maar voor geen van hen is een bedrag gepubliceerd, zodat de bedragen van de groepen samen het totaal zijn.`,
        ...(unplaced
          ? [`Projecten zonder geregistreerde partner, dus in geen enkele groep: ${partnerless} van ${matching}.`]
          : []),
      ];
    },
  };
  return sentences[lang]().join(' ');
}

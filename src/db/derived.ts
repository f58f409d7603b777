/**
 * Data derived from the records, kept in materialized views: the search index, the territories' reach
 * and the fields about which sources disagree. Whatever writes records in bulk (seeding, the generator, the tests' data builder) refreshes
 * every one of them after writing, in the same transaction, so that none lags behind the records.
 */
const DERIVED_VIEWS = [
  { view: 'search_document', name: 'search index' },
  { view: 'territory_reach', name: 'territory reach' },
  { view: 'claim_conflict', name: 'conflicts' },
] as const;

/** A derived view's name. */
export type DerivedView = (typeof DERIVED_VIEWS)[number]['view'];

/** The statements that refresh the derived views, each with a name for progress reports. */
export function refreshDerivedViews(): Array<{ name: string; sql: string }> {
  return DERIVED_VIEWS.map(({ view, name }) => ({ name, sql: `refresh materialized view ${view}` }));
}

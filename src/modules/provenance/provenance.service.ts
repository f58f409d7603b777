import { plainTextSortColumn } from '../../db/indexes';
import type { RequestContext } from '../../graphql/context';
import { Condition, ConnectionArgs, ConnectionResult, paginate, PageOptions } from '../../graphql/connection';
import { given, inList, orderKeys, SortColumns } from '../../graphql/filters';
import { SourceFilter, SourceOrder, SourceOrderField } from './provenance.inputs';
import { Source } from './source.entity';

const SORT: SortColumns<SourceOrderField> = {
  [SourceOrderField.KEY]: () => [{ sql: 's.key' }],
  [SourceOrderField.TITLE]: () => [{ sql: `s.${plainTextSortColumn('title')}` }],
  [SourceOrderField.PUBLISHED_AT]: () => [{ sql: 's.published_at', nullable: true }],
};

export class SourceService {
  constructor(private readonly context: RequestContext) {}

  list(filter: SourceFilter | null | undefined, orderBy: SourceOrder | null | undefined, args: ConnectionArgs, options: PageOptions = {}): Promise<ConnectionResult<Source>> {
    const conditions: Condition[] = given(filter?.kind) ? [inList('s.kind', filter.kind)] : [];
    return paginate(this.context, Source, { table: 'source', alias: 's', where: conditions, sort: orderKeys(SORT, orderBy, SourceOrderField.KEY) }, args, options);
  }
}

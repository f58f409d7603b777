import type { RequestContext } from '../../graphql/context';
import { Condition, ConnectionArgs, ConnectionResult, paginate, SortKey } from '../../graphql/connection';
import { given, inList, OrderDirection } from '../../graphql/filters';
import { SourceFilter, SourceOrder, SourceOrderField } from './provenance.inputs';
import { Source } from './source.entity';

export class SourceService {
  constructor(private readonly context: RequestContext) {}

  list(filter: SourceFilter | null | undefined, orderBy: SourceOrder | null | undefined, args: ConnectionArgs): Promise<ConnectionResult<Source>> {
    const conditions: Condition[] = given(filter?.kind) ? [inList('s.kind', filter.kind)] : [];
    const direction = orderBy?.direction ?? OrderDirection.ASC;
    const sort: SortKey = {
      [SourceOrderField.KEY]: { sql: 's.key', direction },
      [SourceOrderField.TITLE]: { sql: 'kb_fold(s.title)', direction },
      [SourceOrderField.PUBLISHED_AT]: { sql: 's.published_at', direction, nullable: true },
    }[orderBy?.field ?? SourceOrderField.KEY];
    return paginate(this.context, Source, { table: 'source', alias: 's', where: conditions, sort: [sort] }, args);
  }
}

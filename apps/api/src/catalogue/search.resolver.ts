import { Args, Query, Resolver } from '@nestjs/graphql';
import { AllowAnonymousRead, CurrentActor, type Actor } from '@app/common';
import { CatalogueStatsService } from './catalogue-stats.service.js';
import { CatalogueStats } from './catalogue-stats.type.js';
import { EntrySearchService } from './entry-search.service.js';
import { SearchAiSystemsArgs } from './search.inputs.js';
import { AiSystemSearchResult } from './search.types.js';

@Resolver()
export class SearchResolver {
  constructor(
    private readonly search: EntrySearchService,
    private readonly statistics: CatalogueStatsService,
  ) {}

  @Query(() => AiSystemSearchResult, { description: 'Full-text search over published entries with filters, facets, highlights and typo suggestions.' })
  @AllowAnonymousRead()
  searchAiSystems(@Args() args: SearchAiSystemsArgs, @CurrentActor() actor: Actor | null): Promise<AiSystemSearchResult> {
    return this.search.search(args, actor);
  }

  @Query(() => CatalogueStats, { description: 'Key figures of the published catalogue.' })
  @AllowAnonymousRead()
  catalogueStats(): Promise<CatalogueStats> {
    return this.statistics.stats();
  }
}

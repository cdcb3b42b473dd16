import { Args, Info, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { AllowAnonymousRead, BadUserInput, CurrentActor, type Actor } from '@app/common';
import { fieldsSelectedInside } from '../graphql/selected-fields.js';
import { CatalogueStatsService } from './catalogue-stats.service.js';
import { CatalogueStats } from './catalogue-stats.type.js';
import { EntrySearchService } from './entry-search.service.js';
import { SearchAiSystemsArgs } from './search.inputs.js';
import { AiSystemSearchResult, SearchFacet } from './search.types.js';

/** Values per facet unless the client asks for more: what a search page shows, and what keeps the answer small. */
export const FACET_VALUES_DEFAULT = 20;
export const FACET_VALUES_MAX = 100;

@Resolver()
export class SearchResolver {
  constructor(
    private readonly search: EntrySearchService,
    private readonly statistics: CatalogueStatsService,
  ) {}

  @Query(() => AiSystemSearchResult, { description: 'Full-text search over published entries with filters, facets, highlights and typo suggestions.' })
  @AllowAnonymousRead()
  searchAiSystems(@Args() args: SearchAiSystemsArgs, @CurrentActor() actor: Actor | null, @Info() info: GraphQLResolveInfo): Promise<AiSystemSearchResult> {
    // The hits' published content is read only as far as the query selects it.
    return this.search.search(args, actor, fieldsSelectedInside(info, 'published'));
  }

  @Query(() => CatalogueStats, { description: 'Key figures of the published catalogue.' })
  @AllowAnonymousRead()
  catalogueStats(): Promise<CatalogueStats> {
    return this.statistics.stats();
  }
}

@Resolver(() => AiSystemSearchResult)
export class AiSystemSearchResultResolver {
  @ResolveField(() => [SearchFacet], { description: 'Per filter field, the values with the most matches first.' })
  facets(
    @Parent() result: AiSystemSearchResult,
    @Args('first', { type: () => Int, defaultValue: FACET_VALUES_DEFAULT, description: `Values per facet, 1..${FACET_VALUES_MAX}.` }) first: number,
  ): SearchFacet[] {
    if (!Number.isInteger(first) || first < 1 || first > FACET_VALUES_MAX) throw BadUserInput.field('facets.first', `must be between 1 and ${FACET_VALUES_MAX}`);
    return result.facets.map((facet) => ({ ...facet, values: facet.values.slice(0, first) }));
  }
}

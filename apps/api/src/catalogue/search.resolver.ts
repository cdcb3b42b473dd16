import { Args, Query, Resolver } from '@nestjs/graphql';
import { AllowAnonymousRead, CurrentActor, type Actor } from '@app/common';
import { EntrySearchService } from './entry-search.service.js';
import { SearchAiSystemsArgs } from './search.inputs.js';
import { AiSystemSearchResult } from './search.types.js';

@Resolver()
export class SearchResolver {
  constructor(private readonly search: EntrySearchService) {}

  @Query(() => AiSystemSearchResult, { description: 'Full-text search over published entries with filters, facets, highlights and typo suggestions.' })
  @AllowAnonymousRead()
  searchAiSystems(@Args() args: SearchAiSystemsArgs, @CurrentActor() actor: Actor | null): Promise<AiSystemSearchResult> {
    return this.search.search(args, actor);
  }
}

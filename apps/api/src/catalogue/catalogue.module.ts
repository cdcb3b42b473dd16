import { Module, OnModuleInit } from '@nestjs/common';
import { NodeRegistry } from '../graphql/node-registry.service.js';
import { AiSystemFieldsResolver, AiSystemRevisionFieldsResolver } from './ai-system-fields.resolver.js';
import { CatalogueResolver } from './catalogue.resolver.js';
import { CatalogueStatsService } from './catalogue-stats.service.js';
import { DemoCatalogueSeeder } from './demo-catalogue.seed.js';
import { EntryPublishingService } from './entry-publishing.service.js';
import { EntryQueryService } from './entry-query.service.js';
import { EntrySearchIndex } from './entry-search-index.service.js';
import { EntrySearchService } from './entry-search.service.js';
import { EntryRatingSummaryService } from './entry-rating-summary.service.js';
import { EntryStore } from './entry-store.js';
import { AiSystemSearchResultResolver, SearchResolver } from './search.resolver.js';

@Module({
  providers: [DemoCatalogueSeeder, EntryStore, EntrySearchIndex, EntryPublishingService, EntryQueryService, CatalogueResolver, AiSystemFieldsResolver, AiSystemRevisionFieldsResolver, EntrySearchService, SearchResolver, AiSystemSearchResultResolver, CatalogueStatsService, EntryRatingSummaryService],
  exports: [EntryQueryService, DemoCatalogueSeeder, EntryRatingSummaryService],
})
export class CatalogueModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly entries: EntryQueryService,
  ) {}

  onModuleInit(): void {
    this.nodes.register('AiSystem', (id, actor) => this.entries.findVisible(id, actor));
  }
}

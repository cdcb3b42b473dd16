import { Module, OnModuleInit } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { NodeRegistry } from '../graphql/node-registry.service.js';
import { ApprovalExpiryScheduler } from './approval-expiry.scheduler.js';
import { RatingService } from './rating.service.js';
import { ReuseRequestQueryService } from './reuse-request-query.service.js';
import { ReuseRequestStore } from './reuse-request-store.js';
import { ReuseRequestService } from './reuse-request.service.js';
import { AiSystemReuseFieldsResolver, RatingFieldsResolver, ReuseRequestFieldsResolver } from './review-workflow-fields.resolver.js';
import { ReviewWorkflowResolver } from './review-workflow.resolver.js';

@Module({
  imports: [CatalogueModule],
  providers: [
    ApprovalExpiryScheduler,
    ReuseRequestStore,
    ReuseRequestService,
    ReuseRequestQueryService,
    RatingService,
    ReviewWorkflowResolver,
    ReuseRequestFieldsResolver,
    AiSystemReuseFieldsResolver,
    RatingFieldsResolver,
  ],
})
export class ReviewWorkflowModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly requests: ReuseRequestQueryService,
    private readonly ratings: RatingService,
  ) {}

  onModuleInit(): void {
    this.nodes.register('ReuseRequest', (id, actor) => this.requests.findVisible(id, actor));
    this.nodes.register('Rating', (id, actor) => this.ratings.findVisible(id, actor));
  }
}

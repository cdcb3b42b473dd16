import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow, AllowAnonymousRead, CurrentActor, RequestId, Role, type Actor } from '@app/common';
import { AiSystem } from './ai-system.type.js';
import { EntryPublishingService } from './entry-publishing.service.js';
import { EntryQueryService } from './entry-query.service.js';
import type { EntryRow } from './entry-store.js';
import {
  AiSystemPayload,
  AiSystemValidation,
  ArchiveAiSystemInput,
  CreateAiSystemDraftInput,
  ReviewAiSystemInput,
  SubmitAiSystemForReviewInput,
  UpdateAiSystemDraftInput,
} from './publishing.inputs.js';

@Resolver()
export class CatalogueResolver {
  constructor(
    private readonly publishing: EntryPublishingService,
    private readonly entries: EntryQueryService,
  ) {}

  @Query(() => AiSystem, { description: 'One entry by id or slug; NOT_FOUND when it does not exist or is not visible to you.' })
  @AllowAnonymousRead()
  aiSystem(
    @CurrentActor() actor: Actor | null,
    @Args('id', { type: () => ID, nullable: true }) id?: string | null,
    @Args('slug', { type: () => String, nullable: true }) slug?: string | null,
  ): Promise<AiSystem> {
    return this.entries.find(actor, { id, slug });
  }

  @Query(() => AiSystemValidation, { description: 'Dry run: every problem that keeps the working copy from being submitted. Writes nothing.' })
  @Allow(Role.AGENCY_USER)
  async validateAiSystem(@Args('id', { type: () => ID }) id: string, @CurrentActor() actor: Actor): Promise<AiSystemValidation> {
    const problems = await this.publishing.validate(id, actor);
    return { valid: problems.length === 0, problems };
  }

  @Mutation(() => AiSystemPayload, { description: 'Starts a draft entry for your organisation (publishers).' })
  @Allow(Role.PUBLISHER)
  createAiSystemDraft(@Args('input') input: CreateAiSystemDraftInput, @CurrentActor() actor: Actor, @RequestId() requestId: string | null): Promise<AiSystemPayload> {
    return this.payload(this.publishing.createDraft(input, { actor, requestId }), actor);
  }

  @Mutation(() => AiSystemPayload, { description: 'Changes the working copy; editing a published entry starts a new draft while the published revision stays visible.' })
  @Allow(Role.PUBLISHER)
  updateAiSystemDraft(@Args('input') input: UpdateAiSystemDraftInput, @CurrentActor() actor: Actor, @RequestId() requestId: string | null): Promise<AiSystemPayload> {
    return this.payload(this.publishing.updateDraft(input, { actor, requestId }), actor);
  }

  @Mutation(() => AiSystemPayload, { description: 'Sends the working copy to review as a new immutable revision; BAD_USER_INPUT lists what is missing.' })
  @Allow(Role.PUBLISHER)
  submitAiSystemForReview(@Args('input') input: SubmitAiSystemForReviewInput, @CurrentActor() actor: Actor, @RequestId() requestId: string | null): Promise<AiSystemPayload> {
    return this.payload(this.publishing.submit(input, { actor, requestId }), actor);
  }

  @Mutation(() => AiSystemPayload, { description: 'Approves (publishes) or sends back the revision in review; never your own (four-eyes).' })
  @Allow(Role.REVIEWER)
  reviewAiSystem(@Args('input') input: ReviewAiSystemInput, @CurrentActor() actor: Actor, @RequestId() requestId: string | null): Promise<AiSystemPayload> {
    return this.payload(this.publishing.review(input, { actor, requestId }), actor);
  }

  @Mutation(() => AiSystemPayload, { description: 'Withdraws the entry from the catalogue for good.' })
  @Allow(Role.PUBLISHER)
  archiveAiSystem(@Args('input') input: ArchiveAiSystemInput, @CurrentActor() actor: Actor, @RequestId() requestId: string | null): Promise<AiSystemPayload> {
    return this.payload(this.publishing.archive(input, { actor, requestId }), actor);
  }

  private async payload(write: Promise<EntryRow>, actor: Actor): Promise<AiSystemPayload> {
    const row = await write;
    const aiSystem = this.entries.view(row, actor, await this.publishing.operator());
    if (aiSystem === null) throw new Error('an entry just written is not visible to its writer');
    return { aiSystem };
  }
}

import { Args, Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentActor, parsePageRequest, type Actor } from '@app/common';
import { AiSystem } from '../catalogue/ai-system.type.js';
import { EntryQueryService } from '../catalogue/entry-query.service.js';
import type { GraphQLContext } from '../graphql/loaders.js';
import { loadOrganisation } from '../identity/load-organisation.js';
import { Organisation } from '../identity/organisation.type.js';
import { RatingOrder, RatingsArgs } from './rating.inputs.js';
import { RatingService } from './rating.service.js';
import { Rating, RatingConnection } from './rating.types.js';
import { ReuseRequestQueryService } from './reuse-request-query.service.js';
import { ReuseRequest, ReuseRequestMessage } from './reuse-request.types.js';

@Resolver(() => ReuseRequest)
export class ReuseRequestFieldsResolver {
  constructor(
    private readonly entries: EntryQueryService,
    private readonly requests: ReuseRequestQueryService,
  ) {}

  @ResolveField(() => AiSystem, { nullable: true, description: 'Null when the entry is no longer visible to you (e.g. archived).' })
  aiSystem(@Parent() request: ReuseRequest, @CurrentActor() actor: Actor | null): Promise<AiSystem | null> {
    return this.entries.findVisible(request.aiSystemId, actor);
  }

  @ResolveField(() => Organisation)
  requestingOrganisation(@Parent() request: ReuseRequest, @Context() context: GraphQLContext): Promise<Organisation> {
    return loadOrganisation(context, request.requestingOrganisationId);
  }

  @ResolveField(() => String, { description: 'Display name of who filed the request.' })
  async requester(@Parent() request: ReuseRequest, @Context() context: GraphQLContext): Promise<string> {
    return (await context.loaders.user.load(request.requesterId))?.displayName ?? 'unbekannt';
  }

  @ResolveField(() => ReuseRequest, { nullable: true, description: 'The rejected request this one follows up.' })
  previousRequest(@Parent() request: ReuseRequest, @CurrentActor() actor: Actor | null): Promise<ReuseRequest | null> {
    return request.previousRequestId === null ? Promise.resolve(null) : this.requests.findVisible(request.previousRequestId, actor);
  }

  @ResolveField(() => [ReuseRequestMessage], { description: 'The thread, oldest first.' })
  messages(@Parent() request: ReuseRequest): Promise<ReuseRequestMessage[]> {
    return this.requests.messages(request);
  }
}

@Resolver(() => AiSystem)
export class AiSystemReuseFieldsResolver {
  constructor(
    private readonly requests: ReuseRequestQueryService,
    private readonly ratingService: RatingService,
  ) {}

  @ResolveField(() => [Organisation], { description: 'Organisations that reuse the system with a current approval and agreed to be listed.' })
  async usedBy(@Parent() entry: AiSystem, @Context() context: GraphQLContext): Promise<Organisation[]> {
    if (!entry.listed) return [];
    return Promise.all((await this.requests.usedBy(entry.uuid)).map((id) => loadOrganisation(context, id)));
  }

  @ResolveField(() => RatingConnection)
  ratings(@Parent() entry: AiSystem, @Args() args: RatingsArgs): Promise<RatingConnection> {
    return this.ratingService.list(entry.uuid, parsePageRequest(args), args.orderBy ?? RatingOrder.NEWEST);
  }
}

@Resolver(() => Rating)
export class RatingFieldsResolver {
  @ResolveField(() => String, { description: 'Display name of the rater.' })
  async author(@Parent() rating: Rating, @Context() context: GraphQLContext): Promise<string> {
    return (await context.loaders.user.load(rating.userId))?.displayName ?? 'unbekannt';
  }

  @ResolveField(() => Organisation, { description: 'The rater\'s organisation.' })
  organisation(@Parent() rating: Rating, @Context() context: GraphQLContext): Promise<Organisation> {
    return loadOrganisation(context, rating.organisationId);
  }
}

import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow, CurrentActor, parsePageRequest, RequestId, Role, toGlobalId, type Actor } from '@app/common';
import { MarkRatingHelpfulInput, RateAiSystemInput, ReplyToRatingInput } from './rating.inputs.js';
import { RatingService } from './rating.service.js';
import { Rating, RatingPayload } from './rating.types.js';
import { ReuseRequestQueryService } from './reuse-request-query.service.js';
import { toReuseRequest } from './reuse-request-store.js';
import {
  AddReuseRequestMessageInput,
  DecideReuseRequestInput,
  RequestReuseInput,
  ReuseRequestsArgs,
  WithdrawReuseRequestInput,
} from './reuse-request.inputs.js';
import { ReuseRequestService } from './reuse-request.service.js';
import { ReuseRequestConnection, ReuseRequestMessagePayload, ReuseRequestPayload } from './reuse-request.types.js';

@Resolver()
export class ReviewWorkflowResolver {
  constructor(
    private readonly requests: ReuseRequestService,
    private readonly requestQueries: ReuseRequestQueryService,
    private readonly ratings: RatingService,
  ) {}

  @Query(() => ReuseRequestConnection, { description: 'Reuse requests of your organisation (REQUESTER) or for its systems (OWNER), newest first.' })
  @Allow(Role.AGENCY_USER)
  reuseRequests(@Args() args: ReuseRequestsArgs, @CurrentActor() actor: Actor): Promise<ReuseRequestConnection> {
    return this.requestQueries.list(actor, args.filter, parsePageRequest(args));
  }

  @Mutation(() => ReuseRequestPayload, { description: 'Asks the owning organisation to let yours reuse a published system.' })
  @Allow(Role.AGENCY_USER)
  async requestReuse(@Args('input') input: RequestReuseInput, @CurrentActor() actor: Actor, @RequestId() requestId: string | null): Promise<ReuseRequestPayload> {
    return { reuseRequest: toReuseRequest(await this.requests.request(input, { actor, requestId })), clientMutationId: input.clientMutationId ?? null };
  }

  @Mutation(() => ReuseRequestPayload, { description: 'APPROVE or REJECT (with a note) by reviewers of the owning organisation.' })
  @Allow(Role.REVIEWER)
  async decideReuseRequest(@Args('input') input: DecideReuseRequestInput, @CurrentActor() actor: Actor, @RequestId() requestId: string | null): Promise<ReuseRequestPayload> {
    return { reuseRequest: toReuseRequest(await this.requests.decide(input, { actor, requestId })), clientMutationId: input.clientMutationId ?? null };
  }

  @Mutation(() => ReuseRequestPayload, { description: 'Withdraws your own request before it is decided.' })
  @Allow(Role.AGENCY_USER)
  async withdrawReuseRequest(@Args('input') input: WithdrawReuseRequestInput, @CurrentActor() actor: Actor, @RequestId() requestId: string | null): Promise<ReuseRequestPayload> {
    return { reuseRequest: toReuseRequest(await this.requests.withdraw(input, { actor, requestId })), clientMutationId: input.clientMutationId ?? null };
  }

  @Mutation(() => ReuseRequestMessagePayload, { description: 'Writes in the thread between the requesting and the owning organisation.' })
  @Allow(Role.AGENCY_USER)
  async addReuseRequestMessage(@Args('input') input: AddReuseRequestMessageInput, @CurrentActor() actor: Actor, @RequestId() requestId: string | null): Promise<ReuseRequestMessagePayload> {
    const { messageId, request } = await this.requests.addMessage(input, { actor, requestId });
    const reuseRequest = toReuseRequest(request);
    const message = (await this.requestQueries.messages(reuseRequest)).find((m) => m.id === toGlobalId('ReuseRequestMessage', messageId));
    if (message === undefined) throw new Error('a message just written is not in its thread');
    return { message, reuseRequest };
  }

  @Mutation(() => RatingPayload, { description: 'Rates a published system of another organisation; a second call updates your rating.' })
  @Allow(Role.AGENCY_USER)
  async rateAiSystem(@Args('input') input: RateAiSystemInput, @CurrentActor() actor: Actor, @RequestId() requestId: string | null): Promise<RatingPayload> {
    const { rating, summary } = await this.ratings.rate(input, { actor, requestId });
    return { rating, ratingSummary: summary };
  }

  @Mutation(() => Rating, { description: 'The owning organisation\'s publishers answer a rating.' })
  @Allow(Role.PUBLISHER)
  replyToRating(@Args('input') input: ReplyToRatingInput, @CurrentActor() actor: Actor, @RequestId() requestId: string | null): Promise<Rating> {
    return this.ratings.reply(input, { actor, requestId });
  }

  @Mutation(() => Rating, { description: 'Counts the rating as helpful for you (once).' })
  @Allow(Role.AGENCY_USER)
  markRatingHelpful(@Args('input') input: MarkRatingHelpfulInput, @CurrentActor() actor: Actor, @RequestId() requestId: string | null): Promise<Rating> {
    return this.ratings.markHelpful(input.ratingId, { actor, requestId });
  }
}

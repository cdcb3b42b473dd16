import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentActor, type Actor } from '@app/common';
import type { GraphQLContext } from '../graphql/loaders.js';
import { AiSystem, AiSystemRevision } from './ai-system.type.js';
import { EntryQueryService } from './entry-query.service.js';

@Resolver(() => AiSystem)
export class AiSystemFieldsResolver {
  constructor(private readonly entries: EntryQueryService) {}

  @ResolveField(() => [AiSystemRevision], { nullable: true, description: 'Every submitted revision, newest first; null unless you see the working copy.' })
  revisions(@Parent() entry: AiSystem, @CurrentActor() actor: Actor | null): Promise<AiSystemRevision[] | null> {
    return this.entries.revisions(entry, actor);
  }
}

@Resolver(() => AiSystemRevision)
export class AiSystemRevisionFieldsResolver {
  @ResolveField(() => String, { description: 'Display name of who submitted the revision.' })
  async submittedBy(@Parent() revision: AiSystemRevision, @Context() context: GraphQLContext): Promise<string> {
    return (await context.loaders.user.load(revision.submittedById))?.displayName ?? 'unbekannt';
  }

  @ResolveField(() => String, { nullable: true, description: 'Display name of the reviewer; null while in review.' })
  async reviewedBy(@Parent() revision: AiSystemRevision, @Context() context: GraphQLContext): Promise<string | null> {
    if (revision.reviewedById === null) return null;
    return (await context.loaders.user.load(revision.reviewedById))?.displayName ?? 'unbekannt';
  }
}

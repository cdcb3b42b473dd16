import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { NotFound } from '@app/common';
import type { GraphQLContext } from '../graphql/loaders.js';
import { Organisation } from './organisation.type.js';
import { User } from './user.type.js';

@Resolver(() => User)
export class UserFieldsResolver {
  @ResolveField(() => Organisation)
  async organisation(@Parent() user: User, @Context() context: GraphQLContext): Promise<Organisation> {
    const organisation = await context.loaders.organisation.load(user.organisationId);
    if (organisation === null) throw new NotFound('Organisation', user.organisationId);
    return Organisation.from(organisation);
  }
}

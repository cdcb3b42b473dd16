import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLContext } from '../graphql/loaders.js';
import { loadOrganisation } from './load-organisation.js';
import { Organisation } from './organisation.type.js';
import { User } from './user.type.js';

@Resolver(() => User)
export class UserFieldsResolver {
  @ResolveField(() => Organisation)
  organisation(@Parent() user: User, @Context() context: GraphQLContext): Promise<Organisation> {
    return loadOrganisation(context, user.organisationId);
  }
}

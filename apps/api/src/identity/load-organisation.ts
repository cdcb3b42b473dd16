import { NotFound } from '@app/common';
import type { OrganisationEntity } from '@app/data';
import type { GraphQLContext } from '../graphql/loaders.js';
import { Organisation } from './organisation.type.js';

/** The organisation `id` as a GraphQL object; NOT_FOUND when it was not found. */
export function organisationOrNotFound(entity: OrganisationEntity | null, id: string): Organisation {
  if (entity === null) throw new NotFound('Organisation', id);
  return Organisation.from(entity);
}

/** The organisation `id` through the request's DataLoader (one statement for all of a response's organisations). */
export async function loadOrganisation(context: GraphQLContext, id: string): Promise<Organisation> {
  return organisationOrNotFound(await context.loaders.organisation.load(id), id);
}

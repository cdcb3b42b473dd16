import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow, ConnectionArgs, CurrentActor, mapConnection, NotFound, parsePageRequest, RequestId, Role, type Actor } from '@app/common';
import { CreateOrganisationInput, CreateOrganisationPayload } from './create-organisation.input.js';
import { Organisation, OrganisationConnection } from './organisation.type.js';
import { OrganisationService } from './organisation.service.js';
import { User, UserConnection } from './user.type.js';
import { UserService } from './user.service.js';

@Resolver()
export class IdentityResolver {
  constructor(
    private readonly userService: UserService,
    private readonly organisationService: OrganisationService,
  ) {}

  @Query(() => User, { description: 'The signed-in user.' })
  @Allow(Role.AGENCY_USER)
  async me(@CurrentActor() actor: Actor): Promise<User> {
    const user = await this.userService.findById(actor.userId);
    if (user === null) throw new NotFound('User', actor.userId);
    return User.from(user);
  }

  @Query(() => OrganisationConnection, { description: 'All organisations on the marketplace, by name.' })
  @Allow(Role.AGENCY_USER)
  async organisations(@Args() args: ConnectionArgs): Promise<OrganisationConnection> {
    return mapConnection(await this.organisationService.list(parsePageRequest(args)), Organisation.from);
  }

  @Query(() => UserConnection, { description: 'Users of your organisation (admins: of all organisations), by name.' })
  @Allow(Role.AGENCY_USER)
  async users(@Args() args: ConnectionArgs, @CurrentActor() actor: Actor): Promise<UserConnection> {
    return mapConnection(await this.userService.listVisible(actor, parsePageRequest(args)), User.from);
  }

  @Mutation(() => CreateOrganisationPayload)
  @Allow(Role.ADMIN)
  async createOrganisation(
    @Args('input') input: CreateOrganisationInput,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string | null,
  ): Promise<CreateOrganisationPayload> {
    return { organisation: Organisation.from(await this.organisationService.create(actor, input, requestId)) };
  }
}

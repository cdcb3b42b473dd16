import { Module, OnModuleInit } from '@nestjs/common';
import { Authenticator, TokenVerifier } from '@app/common';
import { NodeRegistry } from '../graphql/node-registry.service.js';
import { IdentityResolver } from './identity.resolver.js';
import { OrganisationService } from './organisation.service.js';
import { Organisation } from './organisation.type.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { UserFieldsResolver } from './user-fields.resolver.js';
import { UserService } from './user.service.js';
import { User } from './user.type.js';

@Module({
  providers: [
    TokenVerifier,
    UserService,
    OrganisationService,
    IdentityResolver,
    UserFieldsResolver,
    { provide: Authenticator, useClass: RequestAuthenticator },
  ],
  exports: [Authenticator, OrganisationService, UserService],
})
export class IdentityModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly organisations: OrganisationService,
    private readonly users: UserService,
  ) {}

  onModuleInit(): void {
    this.nodes.register('Organisation', async (id) => {
      const organisation = await this.organisations.findById(id);
      return organisation && Organisation.from(organisation);
    });
    this.nodes.register('User', async (id, actor) => {
      const user = await this.users.findVisible(actor, id);
      return user && User.from(user);
    });
  }
}

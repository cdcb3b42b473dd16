import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { AllowAnonymousRead, CurrentActor, type Actor } from '@app/common';
import { NodeRegistry } from './node-registry.service.js';
import { Node } from './node.interface.js';

@Resolver()
export class NodeResolver {
  constructor(private readonly registry: NodeRegistry) {}

  @Query(() => Node, { nullable: true, description: 'Any object by its global id; NOT_FOUND when it does not exist or is not visible to you.' })
  @AllowAnonymousRead()
  node(@Args('id', { type: () => ID }) id: string, @CurrentActor() actor: Actor | null): Promise<Node> {
    return this.registry.fetch(id, actor);
  }
}

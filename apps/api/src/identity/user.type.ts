import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Connection, Role, toGlobalId } from '@app/common';
import type { UserEntity } from '@app/data';
import { Node } from '../graphql/node.interface.js';

@ObjectType('User', { implements: () => [Node] })
export class User implements Node {
  @Field(() => ID)
  id!: string;

  uuid!: string;

  organisationId!: string;

  @Field()
  email!: string;

  @Field()
  displayName!: string;

  @Field(() => [Role], { description: 'Always includes AGENCY_USER.' })
  roles!: Role[];

  static from(entity: UserEntity): User {
    const roles = [Role.AGENCY_USER, ...entity.roles.filter((r) => r !== Role.AGENCY_USER)] as Role[];
    return Object.assign(new User(), {
      id: toGlobalId('User', entity.id),
      uuid: entity.id,
      organisationId: entity.organisationId,
      email: entity.email,
      displayName: entity.displayName,
      roles,
    });
  }
}

@ObjectType()
export class UserConnection extends Connection(User) {}

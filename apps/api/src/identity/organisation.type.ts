import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, toGlobalId } from '@app/common';
import { Bundesland, GovernmentLevel, type OrganisationEntity } from '@app/data';
import { Node } from '../graphql/node.interface.js';

registerEnumType(GovernmentLevel, { name: 'GovernmentLevel', description: 'Bund, Land, Kommune or other public body.' });
registerEnumType(Bundesland, { name: 'Bundesland', description: 'German federal state by ISO 3166-2:DE code.' });

@ObjectType('Organisation', { implements: () => [Node] })
export class Organisation implements Node {
  @Field(() => ID)
  id!: string;

  /** Database id, for loaders; not exposed. */
  uuid!: string;

  @Field()
  name!: string;

  @Field()
  slug!: string;

  @Field(() => GovernmentLevel)
  level!: GovernmentLevel;

  @Field(() => Bundesland, { nullable: true })
  state!: Bundesland | null;

  @Field()
  createdAt!: Date;

  static from(entity: OrganisationEntity): Organisation {
    return Object.assign(new Organisation(), {
      id: toGlobalId('Organisation', entity.id),
      uuid: entity.id,
      name: entity.name,
      slug: entity.slug,
      level: entity.level,
      state: entity.state,
      createdAt: entity.createdAt,
    });
  }
}

@ObjectType()
export class OrganisationConnection extends Connection(Organisation) {}

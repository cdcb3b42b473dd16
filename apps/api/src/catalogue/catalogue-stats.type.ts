import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class StatCount {
  @Field()
  key!: string;

  @Field(() => Int)
  count!: number;
}

/** Key figures of the published catalogue, like MaKI's dashboard. */
@ObjectType()
export class CatalogueStats {
  @Field(() => Int)
  publishedCount!: number;

  @Field(() => Int, { description: 'First published since the start of this calendar month (Europe/Berlin).' })
  newThisMonth!: number;

  @Field(() => Int, { description: 'Organisations with at least one published entry.' })
  organisationCount!: number;

  @Field(() => [StatCount])
  byLifecycle!: StatCount[];

  @Field(() => [StatCount])
  byGovernmentLevel!: StatCount[];

  @Field(() => [StatCount])
  byPolicyArea!: StatCount[];

  @Field(() => [StatCount])
  byRiskClass!: StatCount[];
}

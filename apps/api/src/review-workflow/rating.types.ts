import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '@app/common';
import { Node } from '../graphql/node.interface.js';
import { RatingSummary } from '../catalogue/ai-system.type.js';

@ObjectType('Rating', { implements: () => [Node] })
export class Rating implements Node {
  @Field(() => ID)
  id!: string;

  uuid!: string;
  aiSystemId!: string;
  userId!: string;
  organisationId!: string;

  @Field(() => Int)
  stars!: number;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true })
  text!: string | null;

  @Field({ description: 'The rater\'s organisation held an approved reuse request when rating (or got one since).' })
  verifiedReuse!: boolean;

  @Field(() => String, { nullable: true, description: 'The owning organisation\'s answer.' })
  reply!: string | null;

  @Field(() => Date, { nullable: true })
  repliedAt!: Date | null;

  @Field(() => Int)
  helpfulCount!: number;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType()
export class RatingConnection extends Connection(Rating) {}

@ObjectType()
export class RatingPayload {
  @Field(() => Rating)
  rating!: Rating;

  @Field(() => RatingSummary, { description: 'The entry\'s summary after this change.' })
  ratingSummary!: RatingSummary;
}

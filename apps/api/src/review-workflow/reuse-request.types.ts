import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '@app/common';
import { Node } from '../graphql/node.interface.js';
import { ReuseRequestStatus } from './reuse-request.machine.js';

/** What clients see: an approval past its expiry reads as EXPIRED. */
export enum ReuseRequestState {
  SUBMITTED = 'SUBMITTED',
  IN_REVIEW = 'IN_REVIEW',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  WITHDRAWN = 'WITHDRAWN',
  EXPIRED = 'EXPIRED',
}

registerEnumType(ReuseRequestState, { name: 'ReuseRequestStatus', description: 'SUBMITTED → IN_REVIEW → APPROVED | REJECTED; WITHDRAWN by the requester; EXPIRED = approval past expiresAt.' });

@ObjectType('ReuseRequestMessage')
export class ReuseRequestMessage {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Display name of the author.' })
  author!: string;

  @Field({ description: 'Name of the author\'s organisation.' })
  authorOrganisation!: string;

  @Field()
  body!: string;

  @Field()
  createdAt!: Date;
}

@ObjectType('ReuseRequest', { implements: () => [Node] })
export class ReuseRequest implements Node {
  @Field(() => ID)
  id!: string;

  uuid!: string;
  aiSystemId!: string;
  requestingOrganisationId!: string;
  requesterId!: string;
  previousRequestId!: string | null;
  storedStatus!: ReuseRequestStatus;

  @Field(() => ReuseRequestState)
  status!: ReuseRequestState;

  @Field()
  purpose!: string;

  @Field()
  intendedUse!: string;

  @Field(() => Int, { nullable: true })
  expectedUsers!: number | null;

  @Field(() => String, { nullable: true })
  contactEmail!: string | null;

  @Field({ description: 'Whether the requesting organisation agreed to be listed in usedBy once approved.' })
  listAsUser!: boolean;

  @Field(() => String, { nullable: true })
  decisionNote!: string | null;

  @Field(() => String, { nullable: true })
  conditions!: string | null;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  decidedAt!: Date | null;

  @Field(() => Int, { description: 'Pass it back as expectedVersion.' })
  version!: number;

  @Field()
  createdAt!: Date;

  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;
}

@ObjectType()
export class ReuseRequestConnection extends Connection(ReuseRequest) {}

@ObjectType()
export class ReuseRequestPayload {
  @Field(() => ReuseRequest)
  reuseRequest!: ReuseRequest;

  @Field(() => String, { nullable: true, description: 'Echoed from the input.' })
  clientMutationId!: string | null;
}

@ObjectType()
export class ReuseRequestMessagePayload {
  @Field(() => ReuseRequestMessage)
  message!: ReuseRequestMessage;

  @Field(() => ReuseRequest)
  reuseRequest!: ReuseRequest;
}

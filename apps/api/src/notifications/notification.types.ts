import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '@app/common';
import { Node } from '../graphql/node.interface.js';
import { Language, type NotificationParams } from './notification-texts.js';

registerEnumType(Language, { name: 'Language', description: 'Language of a text; German is the default, English the fallback.' });

@ObjectType('Notification', { implements: () => [Node], description: 'One entry of your in-app inbox.' })
export class Notification implements Node {
  @Field(() => ID)
  id!: string;

  uuid!: string;
  recipientId!: string;
  params!: NotificationParams;

  @Field({ description: 'The domain event this notification is about, e.g. ReuseRequestDecided.' })
  eventType!: string;

  @Field(() => ID, { description: 'Global id of what the event is about (AiSystem, ReuseRequest or Rating); fetch it with node(id).' })
  subjectId!: string;

  @Field(() => ID, { nullable: true, description: 'Global id of the AI system concerned.' })
  aiSystemId!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  readAt!: Date | null;

  @Field()
  read!: boolean;
}

@ObjectType()
export class NotificationConnection extends Connection(Notification) {
  @Field(() => Int, { description: 'Your unread notifications, whatever the page shows.' })
  unreadCount!: number;
}

@ObjectType()
export class MarkNotificationsReadPayload {
  @Field(() => Int, { description: 'How many notifications changed from unread to read.' })
  marked!: number;

  @Field(() => Int)
  unreadCount!: number;
}

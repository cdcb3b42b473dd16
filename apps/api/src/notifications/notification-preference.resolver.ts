import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow, CurrentActor, Role, type Actor } from '@app/common';
import { NotificationPreferenceService } from './notification-preference.service.js';
import { NotificationPreference, UpdateNotificationPreferencesInput, UpdateNotificationPreferencesPayload } from './notification-preference.types.js';

@Resolver()
export class NotificationPreferenceResolver {
  constructor(private readonly preferences: NotificationPreferenceService) {}

  @Query(() => [NotificationPreference], { description: 'How you hear of each event type.' })
  @Allow(Role.AGENCY_USER)
  notificationPreferences(@CurrentActor() actor: Actor): Promise<NotificationPreference[]> {
    return this.preferences.list(actor.userId);
  }

  @Mutation(() => UpdateNotificationPreferencesPayload, { description: 'Changes your e-mail setting per event type; in-app is always on.' })
  @Allow(Role.AGENCY_USER)
  async updateNotificationPreferences(@Args('input') input: UpdateNotificationPreferencesInput, @CurrentActor() actor: Actor): Promise<UpdateNotificationPreferencesPayload> {
    return { preferences: await this.preferences.update(actor, input) };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, type AppConfig } from '@app/common';
import { DatabaseModule } from '@app/data';
import { CatalogueModule } from '../../api/src/catalogue/catalogue.module.js';
import { NodeModule } from '../../api/src/graphql/node.module.js';
import { IdentityModule } from '../../api/src/identity/identity.module.js';
import { NotificationsModule } from '../../api/src/notifications/notifications.module.js';
import { ReviewWorkflowModule } from '../../api/src/review-workflow/review-workflow.module.js';

/** The api's feature modules without HTTP and GraphQL: what the job handlers need, nothing that serves requests. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(databaseUrl), NodeModule, IdentityModule, CatalogueModule, ReviewWorkflowModule, NotificationsModule],
    };
  }
}

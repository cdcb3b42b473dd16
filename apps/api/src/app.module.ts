import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { AuthGuard, Authenticator, ConfigModule, type AppConfig, type AppLogger } from '@app/common';
import { DatabaseModule } from '@app/data';
import { AuditModule } from './audit/audit.module.js';
import { CatalogueModule } from './catalogue/catalogue.module.js';
import { graphqlOptions } from './graphql/graphql-options.js';
import { InputValidationPipe } from './graphql/input-validation.pipe.js';
import { LoaderFactory } from './graphql/loaders.js';
import { LoadersModule } from './graphql/loaders.module.js';
import { NodeModule } from './graphql/node.module.js';
import { MutationTransactionInterceptor } from './graphql/transaction.interceptor.js';
import { HealthModule } from './health/health.module.js';
import { IdentityModule } from './identity/identity.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { ReviewWorkflowModule } from './review-workflow/review-workflow.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string, logger: AppLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl),
        NodeModule,
        IdentityModule,
        AuditModule,
        CatalogueModule,
        ReviewWorkflowModule,
        NotificationsModule,
        HealthModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [LoadersModule, IdentityModule],
          inject: [LoaderFactory, Authenticator, GraphQLSchemaHost],
          useFactory: (loaders: LoaderFactory, authenticator: Authenticator, schemaHost: GraphQLSchemaHost) => graphqlOptions(config, logger, loaders, authenticator, schemaHost),
        }),
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: MutationTransactionInterceptor },
        { provide: APP_PIPE, useClass: InputValidationPipe },
      ],
    };
  }
}

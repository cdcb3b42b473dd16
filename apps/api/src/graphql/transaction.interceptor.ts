import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { TransactionService } from '@app/data';

/** One mutation, one transaction: every root mutation field runs inside its own transaction. */
@Injectable()
export class MutationTransactionInterceptor implements NestInterceptor {
  constructor(private readonly tx: TransactionService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<GqlContextType>() !== 'graphql') return next.handle();
    const info = GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo>();
    const isRootMutation = info.operation.operation === 'mutation' && info.path.prev === undefined;
    if (!isRootMutation) return next.handle();
    return from(this.tx.run(() => lastValueFrom(next.handle())));
  }
}

import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DataSource, type AfterQueryEvent, type BeforeQueryEvent, type EntitySubscriberInterface, type QueryRunner } from 'typeorm';
import { createLogger, loadConfig } from '@app/common';
import { createApp } from '../apps/api/src/create-app.js';

/**
 * The real application in its own process (so the load generator does not share its event loop), configured
 * like production through the environment search-load.ts gives it. On request it records the SQL statements the
 * application issues, with their parameters and timing, so the load test can replay exactly those with pg.
 */

export interface CapturedStatement {
  sql: string;
  params: unknown[];
  startedAt: number;
  endedAt: number;
}

export type ToAppServer = { type: 'capture-start' } | { type: 'capture-stop' } | { type: 'stop' };
export type FromAppServer =
  | { type: 'ready'; port: number }
  | { type: 'capture-started' }
  | { type: 'captured'; statements: CapturedStatement[] }
  | { type: 'failed'; message: string };

class StatementRecorder implements EntitySubscriberInterface {
  readonly statements: CapturedStatement[] = [];
  private readonly open = new Map<QueryRunner, CapturedStatement>();

  beforeQuery(event: BeforeQueryEvent): void {
    // The app passes positional parameters only (PostgresQueryRunner refuses named ones).
    const params: unknown[] = Array.isArray(event.parameters) ? event.parameters : [];
    const statement = { sql: event.query, params, startedAt: performance.now(), endedAt: Number.NaN };
    this.statements.push(statement);
    this.open.set(event.queryRunner, statement);
  }

  afterQuery(event: AfterQueryEvent): void {
    const statement = this.open.get(event.queryRunner);
    if (statement !== undefined) statement.endedAt = performance.now();
    this.open.delete(event.queryRunner);
  }
}

function send(message: FromAppServer): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.databaseUrl === null) throw new Error('the benchmark app needs DATABASE_URL');
  const app = await createApp(config, config.databaseUrl, createLogger(config.logLevel));
  await app.listen(config.port, config.host);
  const dataSource = app.get(DataSource);
  let recorder: StatementRecorder | null = null;
  process.on('message', (message: ToAppServer) => {
    if (message.type === 'capture-start') {
      recorder = new StatementRecorder();
      dataSource.subscribers.push(recorder);
      send({ type: 'capture-started' });
    } else if (message.type === 'capture-stop') {
      const index = recorder === null ? -1 : dataSource.subscribers.indexOf(recorder);
      if (index >= 0) dataSource.subscribers.splice(index, 1);
      send({ type: 'captured', statements: recorder?.statements ?? [] });
      recorder = null;
    } else if (message.type === 'stop') {
      void app.close().then(() => process.exit(0));
    }
  });
  send({ type: 'ready', port: (app.getHttpServer().address() as AddressInfo).port });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});

import 'reflect-metadata';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppProcess, graphql } from './app-process.js';
import { openBenchServer, repositoryRoot } from './bench-database.js';
import { isEntryPoint, logLine, option, parseSize } from './cli.js';
import { processIds, processStat, TICKS_PER_SECOND } from './proc-stat.js';
import { requireCatalogue } from './generate.js';
import { scenarios, type SearchVariables } from './scenarios.js';
import { searcherCredentials } from './search-load.js';

/**
 * CPU time per searchAiSystems request, split into the app's process and PostgreSQL's processes: what decides
 * the rate one machine can serve. `npm run bench:cpu [-- --size 100000 --requests 400 --concurrency 4 --only rare,browse --cpu-prof]`
 * sends each scenario's request (page 1 only) `requests` times, `concurrency` at a time, after as many warm-up
 * requests, and divides the CPU time the processes used meanwhile (from /proc, Linux only) by the requests.
 */

/**
 * user + system CPU seconds of the processes whose command line passes `select`, with what their ended children
 * used (PostgreSQL's postmaster collects that of parallel workers and ended backends).
 */
function cpuSeconds(select: (pid: number, command: string) => boolean, kind: 'all' | 'system' = 'all'): number {
  let ticks = 0;
  for (const pid of processIds()) {
    let command: string;
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // the process ended meanwhile
    }
    if (!select(pid, command)) continue;
    const stat = processStat(pid);
    if (stat === null) continue;
    ticks += kind === 'system' ? stat.stime + stat.cstime : stat.utime + stat.stime + stat.cutime + stat.cstime;
  }
  return ticks / TICKS_PER_SECOND;
}

async function run(port: number, token: string, variables: SearchVariables, requests: number, concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < requests) await graphql(port, token, variables);
    }),
  );
}

if (isEntryPoint(import.meta.url)) {
  const args = process.argv.slice(2);
  const size = parseSize(option(args, 'size', '100000'));
  const requests = Number(option(args, 'requests', '400'));
  const concurrency = Number(option(args, 'concurrency', '4'));
  const only = option(args, 'only', '').split(',').filter(Boolean);
  const server = await openBenchServer(logLine);
  const { secret, token } = await searcherCredentials();
  try {
    const catalogue = await requireCatalogue(server, size);
    const out = resolve(repositoryRoot, '.bench-data', 'results');
    mkdirSync(out, { recursive: true });
    const app = await AppProcess.start(catalogue.url, secret, join(out, 'app-cpu.log'), args.includes('--cpu-prof') ? out : null);
    // Backends ("postgres: …") and the postmaster (…/bin/postgres), which collects the CPU time of ended backends and workers.
    const postgres = (pid: number, command: string) => pid !== app.pid && /(^|\/)postgres[\0:]/.test(command);
    const lines = [
      '| scenario | app CPU ms / request (of it in the kernel) | PostgreSQL CPU ms / request (of it in the kernel) | both | requests/s both cores could serve |',
      '| --- | ---: | ---: | ---: | ---: |',
    ];
    try {
      for (const scenario of scenarios().filter((s) => s.page === 1 && (only.length === 0 || only.includes(s.key)))) {
        await run(app.port, token, scenario.variables, requests, concurrency);
        const isApp = (pid: number) => pid === app.pid;
        const before = [cpuSeconds(isApp), cpuSeconds(isApp, 'system'), cpuSeconds(postgres), cpuSeconds(postgres, 'system')];
        await run(app.port, token, scenario.variables, requests, concurrency);
        const after = [cpuSeconds(isApp), cpuSeconds(isApp, 'system'), cpuSeconds(postgres), cpuSeconds(postgres, 'system')];
        const [appMs = 0, appSystemMs = 0, pgMs = 0, pgSystemMs = 0] = after.map((seconds, k) => ((seconds - (before[k] ?? 0)) * 1000) / requests);
        const ms = (total: number, system: number) => `${total.toFixed(2)} (${system.toFixed(2)})`;
        const line = `| ${scenario.label} | ${ms(appMs, appSystemMs)} | ${ms(pgMs, pgSystemMs)} | ${(appMs + pgMs).toFixed(2)} | ${Math.floor(2000 / (appMs + pgMs))} |`;
        logLine(line);
        lines.push(line);
      }
    } finally {
      await app.stop();
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await server.stop();
  }
}

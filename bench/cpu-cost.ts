import 'reflect-metadata';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppProcess, graphql } from './app-process.js';
import { openBenchServer, repositoryRoot } from './bench-database.js';
import { isEntryPoint, logLine, option, parseSize } from './cli.js';
import { requireCatalogue } from './generate.js';
import { scenarios, type SearchVariables } from './scenarios.js';
import { searcherCredentials } from './search-load.js';

/**
 * CPU time per searchAiSystems request, split into the app's process and PostgreSQL's processes: what decides
 * the rate one machine can serve. `npm run bench:cpu [-- --size 100000 --requests 400 --concurrency 4 --only rare,browse --cpu-prof]`
 * sends each scenario's request (page 1 only) `requests` times, `concurrency` at a time, after as many warm-up
 * requests, and divides the CPU time the processes used meanwhile (from /proc, Linux only) by the requests.
 */

const TICKS_PER_SECOND = 100;

/**
 * user + system CPU seconds of the processes whose command line passes `select`, with what their ended children
 * used (PostgreSQL's postmaster collects that of parallel workers and ended backends).
 */
function cpuSeconds(select: (pid: number, command: string) => boolean, kind: 'all' | 'system' = 'all'): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!select(pid, command)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, cutime, cstime
      ticks += kind === 'system' ? Number(fields[12]) + Number(fields[14]) : Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // the process ended meanwhile
    }
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

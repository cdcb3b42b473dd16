import { isEntryPoint, logLine, option, parseSize } from './cli.js';
import { openBenchServer } from './bench-database.js';
import { generateCatalogue } from './generate.js';
import { markdownReport } from './report.js';
import { loadOptions, runSearchLoad } from './search-load.js';

/**
 * `npm run bench:search [-- --size 1000000 --rate 200 --duration 20 --warmup 10 --app-warmup 30 --only rare,browse --cpu-prof]`:
 * generates the catalogue (skipped when it exists) and measures searchAiSystems through GraphQL and as raw SQL.
 */
if (isEntryPoint(import.meta.url)) {
  const args = process.argv.slice(2);
  const size = parseSize(option(args, 'size', '100000'));
  const server = await openBenchServer(logLine);
  try {
    const catalogue = await generateCatalogue(server, size, logLine);
    process.stdout.write(markdownReport(await runSearchLoad(server, catalogue, loadOptions(args), logLine)));
  } finally {
    await server.stop();
  }
}

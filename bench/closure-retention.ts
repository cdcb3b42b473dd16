import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isEntryPoint } from './cli.js';

/**
 * The V8 behaviour behind PgClient (libs/data/src/pg-client.ts), in plain JavaScript: a function literal written
 * as the value of a property assignment (`query.callback = (e, r) => …`) keeps the scope it was created in — and
 * everything that scope holds — alive through young-generation collections until the next major collection, even
 * when the function itself captures nothing. The same function created first and assigned afterwards, passed to a
 * constructor, kept in a local or in a Map, dies young with its scope. (Most likely V8 allocates function literals
 * in that position in the old generation from the start, as they usually are methods; an old object that points to
 * a young scope keeps it alive for the young collector until a major collection finds the old one dead.)
 * `node dist/bench/bench/closure-retention.js` runs each variant in a child process with --trace-gc-nvp and prints
 * the bytes the young collector promoted into the old generation for 3,000 results of 200 small objects each.
 */

const VARIANTS = ['literal-assigned-to-property', 'created-then-assigned', 'passed-to-constructor', 'local', 'map-entry'] as const;
type Variant = (typeof VARIANTS)[number];

class Query {
  callback: ((error: null, rows: unknown[]) => void) | null;

  constructor(callback: ((error: null, rows: unknown[]) => void) | null = null) {
    this.callback = callback;
  }
}

function rows(): unknown[] {
  return Array.from({ length: 200 }, (_, j) => ({ j, s: `x${j}` }));
}

/** One result handed over the way `variant` says; returns how many rows arrived. */
function once(variant: Variant): number {
  let got: unknown[] = [];
  const deliver = (_: null, r: unknown[]) => {
    got = r;
  };
  if (variant === 'literal-assigned-to-property') {
    // The literal captures nothing itself; the scope it is created in holds `got`, which `deliver` captures.
    const query = new Query();
    query.callback = () => undefined;
    deliver(null, rows());
    query.callback(null, got);
  } else if (variant === 'created-then-assigned') {
    const query = new Query();
    query.callback = deliver;
    query.callback(null, rows());
  } else if (variant === 'passed-to-constructor') {
    new Query(deliver).callback?.(null, rows());
  } else if (variant === 'local') {
    deliver(null, rows());
  } else {
    const map = new Map([['callback', deliver]]);
    map.get('callback')?.(null, rows());
  }
  return got.length;
}

function child(variant: Variant): void {
  let total = 0;
  for (let i = 0; i < 3000; i++) total += once(variant);
  process.stdout.write(`rows ${total}\n`);
}

function parent(): void {
  const script = fileURLToPath(import.meta.url);
  process.stdout.write(`Node.js ${process.version}: bytes promoted by young-generation collections, 3,000 results of 200 objects\n`);
  for (const variant of VARIANTS) {
    const run = spawnSync(process.execPath, ['--trace-gc-nvp', script, variant], { encoding: 'utf8' });
    let promoted = 0;
    let scavenges = 0;
    for (const line of run.stdout.split('\n')) {
      if (!/ gc=s /.test(line)) continue;
      scavenges += 1;
      promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0);
    }
    process.stdout.write(`${variant.padEnd(28)} ${(promoted / 1e6).toFixed(2).padStart(6)} MB promoted in ${scavenges} young collections\n`);
  }
}

if (isEntryPoint(import.meta.url)) {
  const variant = process.argv[2] as Variant | undefined;
  if (variant === undefined) parent();
  else if (VARIANTS.includes(variant)) child(variant);
  else throw new Error(`unknown variant ${variant}; one of ${VARIANTS.join(', ')}`);
}

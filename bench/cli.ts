import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Whether `moduleUrl` is the script node was started with (and not a module another script imported). */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
}

export function parseSize(text: string | undefined): number {
  const size = Number((text ?? '100000').replace(/[_,]/g, ''));
  if (!Number.isInteger(size) || size < 1 || size > 10_000_000) throw new Error(`size must be an integer between 1 and 10,000,000 (got "${text}")`);
  return size;
}

/** `--name value` or `--name=value` from argv, else `fallback`. */
export function option(args: string[], name: string, fallback: string): string {
  for (let k = 0; k < args.length; k++) {
    const arg = args[k];
    if (arg === `--${name}`) return args[k + 1] ?? fallback;
    if (arg?.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return fallback;
}

/** Progress goes to stderr so the result table on stdout stays clean. */
export function logLine(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterDirectory, freePort } from '@app/data';
import { API_NODE_FLAGS } from '../apps/api/src/heap-tuning.js';

/**
 * The built server as `npm start` runs it: embedded PostgreSQL in DATA_DIR, migrations, demo seed,
 * local tokens from the CLI; stopped by signals; restarted on the same data, also after a crash.
 */
const main = join(process.cwd(), 'dist/apps/api/src/main.js');
const tokenCli = join(process.cwd(), 'dist/apps/cli/src/token.js');

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', ...extra };
  delete env.DATABASE_URL;
  return env;
}

interface Server {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const WITHOUT_FLAGS = 'started without the Node.js flags';

/** Started with the Node.js flags npm start gives (`nodeFlags: []`: as `node dist/apps/api/src/main.js`). */
async function startServer(env: NodeJS.ProcessEnv, nodeFlags: readonly string[] = API_NODE_FLAGS): Promise<Server> {
  const child = spawn(process.execPath, [...nodeFlags, main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!output.includes('ki-marktplatz is ready')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output, exited };
}

function token(env: NodeJS.ProcessEnv, email: string): string {
  const result = spawnSync(process.execPath, [tokenCli, email], { env, encoding: 'utf8' });
  expect(result.status).toBe(0);
  const lines = result.stdout.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  return lines[0] as string;
}

async function graphql(port: number, query: string, bearer?: string): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

describe('npm start: embedded PostgreSQL, demo data, restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kim-start-'));
  let port: number;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // As root, postgres runs as its own user and must be able to enter the data directory.
    chmodSync(dataDir, 0o755);
    port = await freePort();
    env = childEnv({ DATA_DIR: dataDir, PORT: String(port) });
  });

  afterAll(() => {
    rmSync(clusterDirectory(join(dataDir, 'postgres')), { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, serves `me` for a demo token, and stops cleanly on SIGTERM', async () => {
    const server = await startServer(env);
    const health = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(health.status).toBe(200);
    const res = await graphql(port, '{ me { email roles organisation { slug } } organisations(first: 100) { totalCount } }', token(env, 'reviewer@stadt-leipzig.example'));
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      me: { email: 'reviewer@stadt-leipzig.example', roles: ['AGENCY_USER', 'REVIEWER'], organisation: { slug: 'stadt-leipzig' } },
      organisations: { totalCount: 6 },
    });
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(server.output()).not.toContain(WITHOUT_FLAGS);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(existsSync(join(clusterDirectory(join(dataDir, 'postgres')), 'postmaster.pid'))).toBe(false);
  });

  it('reuses the data on the next start: same users, seed not duplicated', async () => {
    const first = await startServer(env);
    const bearer = token(env, 'admin@itzbund.example');
    const before = await graphql(port, '{ me { id } users(first: 100) { totalCount } }', bearer);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    const second = await startServer(env);
    const after = await graphql(port, '{ me { id } users(first: 100) { totalCount } organisations(first: 100) { totalCount } }', bearer);
    expect(after.data?.me).toEqual(before.data?.me);
    expect(after.data?.users).toEqual(before.data?.users);
    expect(after.data?.organisations).toEqual({ totalCount: 6 });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('recovers after a crash (process killed, PostgreSQL orphaned)', async () => {
    const crashed = await startServer(env, []);
    expect(crashed.output()).toContain(WITHOUT_FLAGS);
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    const restarted = await startServer(env);
    const res = await graphql(port, '{ me { email } }', token(env, 'user@bamf.example'));
    expect(res.data).toEqual({ me: { email: 'user@bamf.example' } });
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  });

  it('refuses bad configuration with a clear message and exit code 1', () => {
    const result = spawnSync(process.execPath, [main], {
      env: childEnv({ DATA_DIR: dataDir, PORT: 'eighty', LOG_LEVEL: 'loud' }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain('PORT must be an integer between 0 and 65535 (got "eighty")');
    expect(result.stderr).toContain('LOG_LEVEL must be one of');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

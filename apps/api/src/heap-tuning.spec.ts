import { readFileSync } from 'node:fs';
import { API_NODE_FLAGS, missingNodeFlags } from './heap-tuning.js';

const root = new URL('../../../', import.meta.url);

describe('the api process flags', () => {
  it('npm start gives them', () => {
    const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe(['node', ...API_NODE_FLAGS, 'dist/apps/api/src/main.js'].join(' '));
  });

  it("the Dockerfile's CMD gives them", () => {
    const cmd = readFileSync(new URL('Dockerfile', root), 'utf8')
      .split('\n')
      .find((line) => line.startsWith('CMD '));
    expect(JSON.parse(cmd?.slice(4) ?? 'null')).toEqual(['node', ...API_NODE_FLAGS, 'dist/apps/api/src/main.js']);
  });

  it('names the flags a process was started without', () => {
    expect(missingNodeFlags([], undefined)).toEqual([...API_NODE_FLAGS]);
    expect(missingNodeFlags([...API_NODE_FLAGS], undefined)).toEqual([]);
    expect(missingNodeFlags(['--enable-source-maps'], `--inspect ${API_NODE_FLAGS.join(' ')}`)).toEqual([]);
  });
});

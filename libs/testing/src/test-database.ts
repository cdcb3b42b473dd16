import { randomBytes } from 'node:crypto';
import { testHarnessEnv } from '@app/common';
import { ensureDatabase } from '@app/data';

/** A fresh database cloned from the migrated template: each test file gets its own. */
export async function createTestDatabase(): Promise<{ url: string; name: string }> {
  const { adminUrl, template } = testHarnessEnv();
  const name = `${template.replace('kim_template_', 'kim_test_')}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(adminUrl, name, template);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

/** Where the test run's global setup left its database server and template (set in test/global-setup.ts). */
export function testHarnessEnv(): { adminUrl: string; template: string } {
  const adminUrl = process.env.KIM_TEST_ADMIN_URL;
  const template = process.env.KIM_TEST_TEMPLATE;
  if (!adminUrl || !template) throw new Error('run tests through jest (npm test): the global setup prepares the database');
  return { adminUrl, template };
}

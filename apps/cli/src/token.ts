import { ConfigError, loadConfig, loadOrCreateLocalSecret, signLocalToken } from '@app/common';
import { demoSubject, demoUsers, findDemoUser } from '@app/data';

/** `npm run token -- <email> [ttl]`: prints a bearer token for a seeded demo user, one line, nothing else. */
async function main(): Promise<number> {
  const [email, expiresIn = '12h'] = process.argv.slice(2);
  if (!email) {
    process.stderr.write(`usage: npm run token -- <email> [ttl, e.g. 12h]\ndemo users:\n${demoUsers.map((u) => `  ${u.email}`).join('\n')}\n`);
    return 2;
  }
  const user = findDemoUser(email);
  if (!user) {
    process.stderr.write(`${email} is not a demo user; demo users:\n${demoUsers.map((u) => `  ${u.email}`).join('\n')}\n`);
    return 2;
  }
  const config = loadConfig();
  if (!config.auth.localEnabled) {
    process.stderr.write('local tokens are disabled (LOCAL_AUTH=false); sign in through the identity provider\n');
    return 2;
  }
  const secret = loadOrCreateLocalSecret(config.dataDir, config.auth.localSecret);
  const token = await signLocalToken(
    secret,
    { subject: demoSubject(user.email), email: user.email, name: user.displayName, organisation: user.organisation, roles: user.roles },
    { expiresIn },
  );
  process.stdout.write(`${token}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

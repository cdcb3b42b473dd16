import { Role } from '@app/common';
import { GovernmentLevel } from '@app/data';
import { createTestApp, makeOrganisation, makeUser, type TestApp } from '@app/testing';

describe('identity: me, organisations, users, createOrganisation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('returns the signed-in user with the implicit AGENCY_USER role and the organisation', async () => {
    const org = await makeOrganisation(t.dataSource, { name: 'Stadt Musterhausen', level: GovernmentLevel.KOMMUNE });
    const user = await makeUser(t.dataSource, { organisation: org, roles: [Role.PUBLISHER] });
    const res = await t.gql('{ me { email roles organisation { name level state } } }', {}, await t.tokenFor(user));
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      me: { email: user.email, roles: ['AGENCY_USER', 'PUBLISHER'], organisation: { name: 'Stadt Musterhausen', level: 'KOMMUNE', state: 'HE' } },
    });
  });
});

import { Bundesland, GovernmentLevel } from '../entities/government-level.js';

export interface DemoOrganisation {
  slug: string;
  name: string;
  level: GovernmentLevel;
  state: Bundesland | null;
}

export interface DemoUser {
  email: string;
  displayName: string;
  organisation: string;
  roles: string[];
}

/** Demo organisations; the README lists them with their users. */
export const demoOrganisations: DemoOrganisation[] = [
  { slug: 'itzbund', name: 'Informationstechnikzentrum Bund (ITZBund)', level: GovernmentLevel.BUND, state: null },
  { slug: 'bamf', name: 'Bundesamt für Migration und Flüchtlinge', level: GovernmentLevel.BUND, state: null },
  { slug: 'bmas', name: 'Bundesministerium für Arbeit und Soziales', level: GovernmentLevel.BUND, state: null },
  { slug: 'it-nrw', name: 'IT.NRW – Landesbetrieb Information und Technik Nordrhein-Westfalen', level: GovernmentLevel.LAND, state: Bundesland.NW },
  { slug: 'lfst-bayern', name: 'Bayerisches Landesamt für Steuern', level: GovernmentLevel.LAND, state: Bundesland.BY },
  { slug: 'stadt-leipzig', name: 'Stadt Leipzig', level: GovernmentLevel.KOMMUNE, state: Bundesland.SN },
];

const people: Record<string, [string, string, string]> = {
  bamf: ['Jana Hoffmann', 'Murat Yılmaz', 'Katrin Schäfer'],
  bmas: ['Tobias Wagner', 'Aylin Demir', 'Sebastian Koch'],
  'it-nrw': ['Miriam Becker', 'Jörg Schröder', 'Lena Krüger'],
  'lfst-bayern': ['Franziska Huber', 'Maximilian Bauer', 'Theresa Wimmer'],
  'stadt-leipzig': ['Paul Richter', 'Sophie Neumann', 'Ole Lehmann'],
};

/** Each organisation has a publisher, a reviewer and an agency user; ITZBund operates the marketplace and has the admin. */
export const demoUsers: DemoUser[] = [
  { email: 'admin@itzbund.example', displayName: 'Claudia Fischer', organisation: 'itzbund', roles: ['ADMIN'] },
  { email: 'publisher@itzbund.example', displayName: 'Anke Vogel', organisation: 'itzbund', roles: ['PUBLISHER'] },
  { email: 'reviewer@itzbund.example', displayName: 'Stefan Weber', organisation: 'itzbund', roles: ['REVIEWER'] },
  ...Object.entries(people).flatMap(([organisation, [publisher, reviewer, user]]) => [
    { email: `publisher@${organisation}.example`, displayName: publisher, organisation, roles: ['PUBLISHER'] },
    { email: `reviewer@${organisation}.example`, displayName: reviewer, organisation, roles: ['REVIEWER'] },
    { email: `user@${organisation}.example`, displayName: user, organisation, roles: [] },
  ]),
];

/** Demo users sign in with local tokens; their subject is derived from the e-mail so it never changes. */
export function demoSubject(email: string): string {
  return `demo:${email.toLowerCase()}`;
}

export function findDemoUser(email: string): DemoUser | undefined {
  return demoUsers.find((user) => user.email.toLowerCase() === email.trim().toLowerCase());
}

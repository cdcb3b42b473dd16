import { createHash } from 'node:crypto';
import {
  AiActRiskClass,
  Bundesland,
  DeploymentMode,
  demoAiSystems,
  demoOrganisations,
  GovernmentLevel,
  Lifecycle,
  ReusePotential,
  type AiSystemContent,
  type DemoAiSystem,
} from '@app/data';

/**
 * Deterministic variations of the published demo entries: entry i is a pure function of i and the catalogue size,
 * so the generator can build every entry twice (once to count the vocabulary, once to index) without keeping
 * a million entries in memory.
 */

/** Bump when the generated data changes, so existing benchmark databases are rebuilt. */
export const GENERATOR_VERSION = '1';

export interface BenchOrganisation {
  slug: string;
  name: string;
  level: GovernmentLevel;
  state: Bundesland | null;
  /** Relative share of the entries (large IT providers publish more than a small town). */
  weight: number;
}

export interface GeneratedEntry {
  id: string;
  revisionId: string;
  slug: string;
  organisation: number;
  content: AiSystemContent;
  publishedAt: Date;
}

/** splitmix32: spreads consecutive integers over the 32-bit range (to seed the generator below). */
function splitmix32(value: number): number {
  let z = (value + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** sfc32, a small fast PRNG with 128 bits of state, so the streams of different entries do not overlap. */
function sfc32(seed: number, stream: number): () => number {
  let a = splitmix32(seed);
  let b = splitmix32(a ^ stream);
  let c = splitmix32(b + seed);
  let d = 1;
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let k = 0; k < 12; k++) next();
  return next;
}

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function weighted<T>(random: Random, choices: ReadonlyArray<readonly [T, number]>): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let r = random() * total;
  for (const [value, weight] of choices) {
    r -= weight;
    if (r < 0) return value;
  }
  const last = choices[choices.length - 1];
  if (last === undefined) throw new Error('weighted choice from an empty list');
  return last[0];
}

/** A random-looking but reproducible UUID (v4 layout); hashing keeps a million of them collision-free. */
function uuidFor(kind: string, i: number): string {
  const hex = createHash('sha256').update(`${kind}:${i}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[parseInt(hex.charAt(16), 16) % 4]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).filter((sentence) => sentence.length > 0);
}

const landNames: Record<Bundesland, string> = {
  BW: 'Baden-Württemberg',
  BY: 'Bayern',
  BE: 'Berlin',
  BB: 'Brandenburg',
  HB: 'Bremen',
  HH: 'Hamburg',
  HE: 'Hessen',
  MV: 'Mecklenburg-Vorpommern',
  NI: 'Niedersachsen',
  NW: 'Nordrhein-Westfalen',
  RP: 'Rheinland-Pfalz',
  SL: 'Saarland',
  SN: 'Sachsen',
  ST: 'Sachsen-Anhalt',
  SH: 'Schleswig-Holstein',
  TH: 'Thüringen',
};

const federalAgencies = [
  'Bundesamt für Verwaltungsdienste',
  'Bundesanstalt für Geoinformation',
  'Bundeszentrale für Registerdaten',
  'Bundesamt für Verkehrsdaten',
  'Bundesanstalt für Arbeitsmarktanalysen',
  'Bundesamt für Umweltbeobachtung',
  'Bundesamt für Förderprogramme',
  'Bundesstelle für Zuwendungsprüfung',
  'Bundesamt für Bevölkerungsschutzplanung',
  'Bundesanstalt für Wasserstraßen und Häfen',
  'Bundesamt für Gesundheitsdaten',
  'Bundesamt für Forschungsförderung',
  'Bundeszentrale für Beschaffung',
  'Bundesamt für Familienleistungen',
  'Bundesanstalt für Rentenberechnung',
  'Bundesamt für Energiedaten',
];

const landAgencies = ['Statistisches Landesamt', 'Landesbetrieb für Informationstechnik', 'Ministerium für Digitales und Verwaltung'];

const placePrefixes = ['Linden', 'Eichen', 'Buchen', 'Birken', 'Tannen', 'Falken', 'Adler', 'Rosen', 'Wald', 'Berg', 'Stein', 'Hohen', 'Nieder', 'Ober', 'Kirch', 'Mühl', 'Sonnen', 'Wiesen', 'Erlen', 'Haselb'];
const placeSuffixes = ['au', 'berg', 'burg', 'dorf', 'feld', 'hagen', 'hausen', 'heim', 'stadt', 'tal', 'bach', 'brück', 'rode', 'stedt', 'wald', 'furt', 'ingen', 'kirchen', 'see', 'hofen'];
const municipalKinds = ['Stadt', 'Landkreis', 'Gemeinde', 'Stadt', 'Landkreis'];

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The demo organisations, 16 federal agencies, 3 agencies per Land and 400 municipalities. */
export function benchOrganisations(): BenchOrganisation[] {
  const random = sfc32(20251123, 1);
  const states = Object.values(Bundesland);
  const organisations: BenchOrganisation[] = demoOrganisations.map((org) => ({ ...org, weight: 40 }));
  for (const name of federalAgencies) organisations.push({ slug: slugify(name), name, level: GovernmentLevel.BUND, state: null, weight: 12 });
  for (const state of states) {
    for (const agency of landAgencies) {
      const name = `${agency} ${landNames[state]}`;
      organisations.push({ slug: slugify(name), name, level: GovernmentLevel.LAND, state, weight: 6 });
    }
  }
  for (const prefix of placePrefixes) {
    for (const suffix of placeSuffixes) {
      const name = `${pick(random, municipalKinds)} ${prefix}${suffix}`;
      // Zipf-like: a few towns publish a lot, most only a little.
      organisations.push({ slug: slugify(name), name, level: GovernmentLevel.KOMMUNE, state: pick(random, states), weight: 4 / (1 + random() * 9) });
    }
  }
  return organisations;
}

const syllables = ['ka', 'lo', 'mi', 'ra', 've', 'no', 'ti', 'sa', 'du', 'be', 'fi', 'ge', 'ha', 'ju', 'ke', 'lu', 'mo', 'ne', 'pa', 'ri', 'so', 'wen', 'tor', 'lin'];
const codenameEndings = ['', 'on', 'ia', 'us', 'ex', 'ar', 'is', 'um'];

/** Distinct product names such as "Kalomi" or "Ravesaon"; each one names only a handful of entries (the rare terms). */
export function codename(index: number): string {
  const combinations = syllables.length ** 3;
  // 7919 is prime and coprime with 24³, so the shuffle is a permutation and names stay distinct.
  let code = (index * 7919 + 13) % combinations;
  let word = '';
  for (let k = 0; k < 3; k++) {
    word += syllables[code % syllables.length];
    code = Math.floor(code / syllables.length);
  }
  word += codenameEndings[Math.floor(index / combinations) % codenameEndings.length];
  return `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}

/** How many distinct product names a catalogue of `size` entries uses: roughly 15 entries each. */
export function codenameCount(size: number): number {
  return Math.max(50, Math.round(size / 40));
}

const lifecycles = [
  [Lifecycle.IN_OPERATION, 40],
  [Lifecycle.PILOT, 24],
  [Lifecycle.DEVELOPMENT, 15],
  [Lifecycle.PLANNED, 8],
  [Lifecycle.IDEA, 5],
  [Lifecycle.RETIRED, 8],
] as const;

const riskClasses = [
  [AiActRiskClass.MINIMAL, 40],
  [AiActRiskClass.TRANSPARENCY_ART50, 20],
  [AiActRiskClass.HIGH_RISK_ANNEX_III, 9],
  [AiActRiskClass.HIGH_RISK_ANNEX_I, 2],
  [AiActRiskClass.NOT_AI, 5],
  [AiActRiskClass.NOT_ASSESSED, 24],
] as const;

const reusePotentials = [
  [ReusePotential.HIGH, 30],
  [ReusePotential.MEDIUM, 40],
  [ReusePotential.LOW, 20],
  [ReusePotential.NONE, 10],
] as const;

const licences = [
  ['EUPL-1.2', 20],
  ['Apache-2.0', 12],
  ['MIT', 10],
  ['GPL-3.0-or-later', 5],
  ['AGPL-3.0-only', 4],
  [null, 49],
] as const;

const extraLanguages = ['uk', 'ar', 'tr', 'ru', 'fa', 'fr', 'pl', 'ro', 'es', 'it'];

const years = 3;
const dayMs = 86_400_000;

/** The published demo entries the variants are made of. */
export const baseEntries: DemoAiSystem[] = demoAiSystems.filter((demo) => demo.publishedDaysAgo !== null);

export class CatalogueVariants {
  readonly organisations = benchOrganisations();
  private readonly cumulativeWeights: number[];
  private readonly codenames: string[];

  /** `now`: the moment "published N days ago" counts from; fixed so both passes build the same entries. */
  constructor(
    readonly size: number,
    private readonly now: number,
  ) {
    let sum = 0;
    this.cumulativeWeights = this.organisations.map((org) => (sum += org.weight));
    this.codenames = Array.from({ length: codenameCount(size) }, (_, index) => codename(index));
  }

  /** The product name of the k-th codename; the benchmark looks one up as its rare term. */
  codename(index: number): string {
    return this.codenames[index % this.codenames.length] ?? 'Kalomi';
  }

  private organisationFor(random: Random): number {
    const total = this.cumulativeWeights[this.cumulativeWeights.length - 1] ?? 1;
    const r = random() * total;
    let low = 0;
    let high = this.cumulativeWeights.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.cumulativeWeights[mid] ?? 0) > r) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  entry(i: number): GeneratedEntry {
    const random = sfc32(i, 2);
    const base = pick(random, baseEntries).content;
    const donor = pick(random, baseEntries).content;
    const organisation = this.organisationFor(random);
    const org = this.organisations[organisation];
    if (org === undefined) throw new Error(`no organisation ${organisation}`);
    const product = random() < 0.35 ? pick(random, this.codenames) : null;
    const place = org.level === GovernmentLevel.KOMMUNE ? org.name : null;

    const name = [product ? `${product}:` : null, base.name, place && random() < 0.5 ? `(${place})` : null].filter((part) => part !== null).join(' ');
    const baseSentences = sentences(base.description);
    const kept = baseSentences.filter((_, index) => index < 2 || random() < 0.6);
    const borrowed = sentences(donor.description).filter(() => random() < 0.25).slice(0, 2);
    const since = 2018 + Math.floor(random() * 8);
    const description = [
      ...kept,
      ...borrowed,
      `Betrieben von ${org.name} seit ${since}.`,
      product ? `Intern läuft das Vorhaben unter dem Namen ${product}.` : null,
    ]
      .filter((sentence) => sentence !== null)
      .join(' ');

    const tags = [...new Set([...base.tags.filter(() => random() < 0.8), ...donor.tags.filter(() => random() < 0.2)])];
    const aiTechniques = [...new Set([...base.aiTechniques, ...(random() < 0.3 ? donor.aiTechniques.slice(0, 1) : [])])];
    const policyAreas = [...new Set([...base.policyAreas, ...(random() < 0.2 ? donor.policyAreas.slice(0, 1) : [])])];
    const languageChoice = random();
    const languages =
      languageChoice < 0.5
        ? base.languages
        : languageChoice < 0.8
          ? ['de']
          : [...new Set(['de', 'en', ...extraLanguages.filter(() => random() < 0.15)])];
    const deploymentModes = Object.values(DeploymentMode).filter((mode) => random() < (mode === DeploymentMode.ON_PREMISES ? 0.6 : 0.35));
    const licence = weighted(random, licences);
    const slugStem = slugify(`${base.name.slice(0, 40)} ${org.slug.slice(0, 40)}`).replace(/-+$/, '');
    const content: AiSystemContent = {
      ...base,
      name,
      nameEn: base.nameEn,
      shortDescriptionEn: random() < 0.6 ? base.shortDescriptionEn : null,
      description,
      descriptionEn: random() < 0.5 ? base.descriptionEn : null,
      contacts: base.contacts.slice(0, 1).map((contact) => ({ ...contact, email: `ki-team@${org.slug}.example` })),
      policyAreas,
      tags: tags.length > 0 ? tags : base.tags,
      lifecycle: weighted(random, lifecycles),
      aiTechniques,
      processesPersonalData: random() < 0.55,
      aiActRiskClass: weighted(random, riskClasses),
      licence,
      sourceCodeUrl: licence !== null && random() < 0.8 ? `https://gitlab.opencode.de/${org.slug}/${slugStem}` : null,
      deploymentModes: deploymentModes.length > 0 ? deploymentModes : [DeploymentMode.ON_PREMISES],
      languages,
      maintainer: org.name,
      reusePotential: weighted(random, reusePotentials),
    };
    // More entries were published recently than three years ago, as in a growing catalogue.
    const age = years * 365 * dayMs * (1 - Math.sqrt(random()));
    return {
      id: uuidFor('ai_system', i),
      revisionId: uuidFor('ai_system_revision', i),
      slug: `${slugStem}-${i.toString(36)}`,
      organisation,
      content,
      publishedAt: new Date(this.now - Math.floor(age)),
    };
  }
}

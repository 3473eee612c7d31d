// Writes corpus/tickets.jsonl: `pnpm --filter @vouchsafe/detector corpus`. Deterministic (seeded), so the committed
// file is what this script produces. Each line: { id, lang, text, expect: [{ kind, match }] } where `match` is the
// exact substring the detector must report for that kind (every occurrence of a match in a line is one finding).
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ibanValid } from '../src/checksums';
import type { FindingKind } from '../src/types';
import { HANDWRITTEN, HANDWRITTEN_HELD_OUT } from './handwritten';
import { NEGATIVES } from './negatives';
import { CARD, IBAN, NATIONAL, OTP, PASSWORD, PIN, TOKENS, type Lang, type Templates } from './templates';
import * as v from './values';

export interface CorpusLine {
  id: string;
  lang: Lang;
  text: string;
  expect: { kind: FindingKind; match: string }[];
}

/** The whole corpus, built from the seed: the same lines on every run. */
export function buildCorpus(): CorpusLine[] {
  const g = new v.Gen(v.rng(20261203));
  const lines: CorpusLine[] = [];
  const counters = new Map<string, number>();

  function add(lang: Lang, prefix: string, text: string, expect: CorpusLine['expect']): void {
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    for (const e of expect) if (!text.includes(e.match)) throw new Error(`${prefix}: ${e.kind} not in its line`);
    lines.push({ id: `${lang}-${prefix}-${String(n).padStart(3, '0')}`, lang, text, expect });
  }

  /** Every template of every language, `rounds` times, each with a fresh value. */
  function fill(prefix: string, kind: FindingKind, templates: Templates, value: (lang: Lang) => string, rounds = 1): void {
    for (let r = 0; r < rounds; r++) {
      for (const [lang, list] of Object.entries(templates) as [Lang, readonly string[]][]) {
        for (const t of list) {
          const val = value(lang);
          add(lang, prefix, t.replace('{v}', val), [{ kind, match: val }]);
        }
      }
    }
  }

  // ---- positives ----
  let testCard = 0;
  fill(
    'card',
    'card',
    CARD,
    () => {
      // Half published test numbers, half generated for every issuer.
      const digits = g.int(0, 1) === 0 ? (v.TEST_CARDS[testCard++ % v.TEST_CARDS.length] ?? '') : v.card(g, g.pick(v.ISSUERS));
      return v.formatCard(g, digits);
    },
    3,
  );

  const validExamples = v.EXAMPLE_IBANS.filter((i) => ibanValid(i.replace(/ /g, '')));
  if (validExamples.length !== v.EXAMPLE_IBANS.length) throw new Error('an example IBAN in values.ts does not validate');
  let example = 0;
  fill(
    'iban',
    'iban',
    IBAN,
    () => {
      if (g.int(0, 2) === 0) return validExamples[example++ % validExamples.length] ?? '';
      const compact = v.iban(g, g.pick(v.IBAN_COUNTRIES));
      return g.int(0, 1) === 0 ? compact : v.groupIban(compact);
    },
    3,
  );

  fill('password', 'password', PASSWORD, () => v.password(g), 3);
  fill('pin', 'password', PIN, () => v.pin(g), 2);
  fill('otp', 'one_time_code', OTP, () => v.otp(g), 2);

  const NATIONAL_VALUES: Partial<Record<FindingKind, () => string>> = {
    us_ssn: () => v.ssn(g),
    uk_nino: () => v.nino(g),
    de_tax_id: () => v.steuerId(g),
    fr_nir: () => v.nir(g),
    es_dni: () => v.dni(g),
    nl_bsn: () => v.bsn(g),
    it_fiscal_code: () => v.codiceFiscale(g),
  };
  for (const [kind, templates] of Object.entries(NATIONAL) as [FindingKind, Templates][]) {
    const make = NATIONAL_VALUES[kind];
    if (make) fill(kind, kind, templates, make, 3);
  }

  const TOKEN_VALUES: Partial<Record<FindingKind, () => string>> = {
    aws_access_key: () => v.awsAccessKey(g),
    aws_secret_key: () => v.awsSecretKey(g),
    github_token: () => v.githubToken(g),
    slack_token: () => v.slackToken(g),
    stripe_key: () => v.stripeKey(g),
    google_api_key: () => v.googleKey(g),
    jwt: () => v.jwt(g),
    private_key: () => v.pemKey(g),
    high_entropy: () => v.highEntropy(g),
  };
  for (const [kind, templates] of Object.entries(TOKENS) as [FindingKind, Templates][]) {
    const make = TOKEN_VALUES[kind];
    if (make) fill(kind, kind, templates, make, 2);
  }

  // Lines with several findings, as real tickets have them.
  for (let i = 0; i < 6; i++) {
    const c = v.formatCard(g, v.card(g, g.pick(v.ISSUERS)));
    const ib = v.groupIban(v.iban(g, g.pick(v.IBAN_COUNTRIES)));
    add('en', 'multi', `Please cancel the card ${c} and pay the refund to ${ib} instead. Thanks, order #${g.digits(8)}.`, [
      { kind: 'card', match: c },
      { kind: 'iban', match: ib },
    ]);
    const p = v.password(g);
    const o = v.otp(g);
    add('de', 'multi', `Benutzer: k.schmidt\nPasswort: ${p}\nBestätigungscode: ${o}\nBitte bis Freitag ändern.`, [
      { kind: 'password', match: p },
      { kind: 'one_time_code', match: o },
    ]);
    const key = v.awsAccessKey(g);
    const secret = v.awsSecretKey(g);
    add('en', 'multi', `[default]\naws_access_key_id = ${key}\naws_secret_access_key = ${secret}\nregion = eu-central-1`, [
      { kind: 'aws_access_key', match: key },
      { kind: 'aws_secret_key', match: secret },
    ]);
  }

  // ---- written by hand, after the detector: the first batch was scored and fixed, the second is held out ----
  const labels = (list: readonly (readonly [FindingKind, string])[]): CorpusLine['expect'] =>
    list.map(([kind, match]) => ({ kind, match }));
  for (const [lang, text, expect] of HANDWRITTEN) add(lang, 'hand', text, labels(expect));
  for (const [lang, text, expect] of HANDWRITTEN_HELD_OUT) add(lang, 'held', text, labels(expect));

  // ---- negatives written by hand ----
  for (const [lang, text] of NEGATIVES) add(lang, 'neg', text, []);

  // ---- negatives with near-miss values: right shape, wrong checksum, in realistic sentences ----
  const NEAR_MISS: Partial<Record<Lang, readonly string[]>> = {
    en: ['Order {n} was shipped to the warehouse.', 'Invoice {n} is attached.', 'Ref {n}, please check.'],
    de: ['Bestellung {n} ist unterwegs.', 'Unsere Referenz: {n}'],
    fr: ['Commande {n} expédiée.', 'Référence : {n}'],
    es: ['Pedido {n} en camino.'],
    nl: ['Bestelling {n} is onderweg.'],
    it: ['Ordine {n} spedito.'],
    'pt-BR': ['Pedido {n} enviado.'],
    ja: ['注文番号 {n} を確認してください。'],
  };
  for (let r = 0; r < 3; r++) {
    for (const [lang, list] of Object.entries(NEAR_MISS) as [Lang, readonly string[]][]) {
      for (const t of list) {
        const kind = g.int(0, 2);
        const n =
          kind === 0
            ? v.formatCard(g, v.breakLuhn(v.card(g, g.pick(v.ISSUERS))))
            : kind === 1
              ? v.groupIban(v.breakIban(v.iban(g, g.pick(v.IBAN_COUNTRIES))))
              : v.breakIban(v.iban(g, g.pick(v.IBAN_COUNTRIES)));
        add(lang, 'near', t.replace('{n}', n), []);
      }
    }
  }

  // Random-looking ids with no keyword nearby: never a finding on their own.
  for (let i = 0; i < 12; i++) {
    const id = v.highEntropy(g);
    add('en', 'bare', g.pick([`Build artifact ${id} uploaded.`, `Session ${id} ended at 14:02.`, `See trace ${id} in the logs.`]), []);
  }

  return lines;
}

export function serialiseCorpus(lines: readonly CorpusLine[]): string {
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const lines = buildCorpus();
  writeFileSync(fileURLToPath(new URL('./tickets.jsonl', import.meta.url)), serialiseCorpus(lines));
  console.log(`wrote ${lines.length} lines to corpus/tickets.jsonl`);
}

import { before } from './context';
import type { Candidate, FindingKind } from './types';

// Passwords, PINs and one-time codes: a keyword (in any of the supported languages), a connector (":", "=", "is",
// "ist", "lautet", "est", "es", "é", "は", …, optionally after a short "for the VPN"), then the value. Only the value is
// the finding. Keywords start only at a word start, and each tail reads at most ~90 characters past its keyword
// (plus a run of blanks, which belongs to that keyword alone), so the scan is linear in the text.

const NOT_LETTER_BEFORE = '(?<![\\p{L}\\p{N}_])';
const NOT_LETTER_AFTER = '(?![\\p{L}\\p{N}_])';

// Strong words say "password" plainly; weak ones ("pass", "pw", "pin", "clave") need ":" / "=" / "is" after them.
const PASSWORD_STRONG = [
  '(?:temp(?:orary)?|new|initial|one-time|default|admin|root|wifi|wi-fi|vpn|login|account)?[ -]?pass(?:word|wd|phrase|code)',
  '\\p{L}*passwor[td]', // Passwort, Initialpasswort, Einmalpasswort, Startpasswort (de); also the English word
  '\\p{L}*kennwort',
  'mot de passe(?: temporaire| provisoire)?',
  'contrase(?:ñ|n)a(?: temporal| provisional)?',
  'senha(?: temporária| temporaria| provisória| provisoria)?',
  '(?:tijdelijk |nieuw )?wachtwoord',
  "parola d'ordine",
  '(?:仮|初期|一時)?パスワード',
  '暗証番号',
];
const PASSWORD_WEAK = [
  'pass',
  'pwd',
  'pw',
  'passwd',
  'mdp',
  'pin(?:[ -]?(?:code|nummer|number))?',
  'code pin',
  'código pin',
  'codice pin',
  'clave',
];

const OTP_STRONG = [
  'otp',
  'one[- ]time (?:code|passcode|password|pin)',
  '(?:verification|security|confirmation|login|sign-in|signin|authentication|auth|2fa|mfa|sms|access|reset) code',
  '\\p{L}*(?:bestätigungs|sicherheits|verifizierungs|einmal|bestaetigungs|anmelde|zugangs)code',
  'code (?:de vérification|de verification|de sécurité|de securite|de confirmation|à usage unique|a usage unique|otp|sms)',
  'código (?:de verificación|de verificacion|de seguridad|de confirmación|de confirmacion|de verificação|de verificacao|de segurança|de seguranca|de acesso|otp|sms)',
  '\\p{L}*(?:verificatie|beveiligings|bevestigings|eenmalige )code',
  'codice (?:di verifica|di sicurezza|otp|di conferma|monouso)',
  '(?:認証|確認|セキュリティ|ワンタイム)コード',
  'ワンタイムパスワード',
];
const OTP_WEAK = ['m?tan', 'code', 'código', 'codigo', 'codice', 'コード'];
// "code" is the weakest word in the list: these words before it mean it is not a secret.
// prettier-ignore
const NOT_A_SECRET_WORDS = [
  'error', 'status', 'http', 'zip', 'postal', 'post', 'promo', 'promotional', 'discount', 'coupon', 'voucher',
  'gift', 'tracking', 'product', 'country', 'area', 'reference', 'ref', 'source', 'sort', 'bank', 'swift', 'bic',
  'iso', 'exit', 'return', 'response', 'dial', 'fehler', 'gutschein', 'rabatt', 'postleit', 'erreur', 'réduction',
  'reduction', 'suivi', 'descuento', 'cupón', 'cupon', 'rastreo', 'erro', 'desconto', 'cupom', 'rastreio', 'fout',
  'kortings', 'errore', 'sconto', 'avviamento', 'エラー', '郵便', 'クーポン', '追跡',
];
const NOT_A_SECRET_CODE = new RegExp(`(?:${NOT_A_SECRET_WORDS.join('|')})[\\s-]*$`, 'iu');

const alternatives = (words: readonly string[]): string => words.join('|');
const KEYWORD = new RegExp(
  `${NOT_LETTER_BEFORE}(?:(?<otp>${alternatives(OTP_STRONG)})|(?<pw>${alternatives(PASSWORD_STRONG)})|(?<pwWeak>${alternatives(PASSWORD_WEAK)})|(?<otpWeak>${alternatives(OTP_WEAK)}))(?:\\s?\\(s\\))?${NOT_LETTER_AFTER}`,
  'giu',
);
// Japanese has no spaces: the keyword is followed directly by は / ： (handled by the connector), so no "after" check.
const KEYWORD_JA =
  /(?:(?<otp>(?:認証|確認|セキュリティ|ワンタイム)コード|ワンタイムパスワード)|(?<pw>(?:仮|初期|一時)?パスワード|暗証番号)|(?<otpWeak>コード))/gu;

// After the keyword: an optional short qualifier ("temporanea", "for the VPN", "für das WLAN") that must be followed
// by ":" or a verb (never by a bare space, or "password for the VPN" would make "VPN" the value), then the connector.
const QUAL_WORDS = String.raw`(?:for|für|fuer|pour|para|voor|per|do|da|de|du|des|del|della|of|van|von|zum|zur|au|to|on|in|im|su)`;
const QUALIFIER = String.raw`(?:[^\S\n]+\p{L}{2,15}|[^\S\n]+${QUAL_WORDS}[^\S\n][^.!?\n:=：\d]{1,30}?)`;
const CONNECTOR_COLON = String.raw`(?:[^\S\n]*[:=：]|[^\S\n]+[-–—])[^\S\n]*`;
const CONNECTOR_VERB = String.raw`[^\S\n]+(?:is|ist|lautet|est|c'est|c’est|es|é|è|wordt|is now|ist jetzt|est maintenant|is still|ist noch|sera|será|era|was|war|would be|to|:)[^\S\n]*:?[^\S\n]*`;
const CONNECTOR_JA = String.raw`[^\S\n]*(?:は|：|:|=)[^\S\n]*`;
const CONNECTOR_SPACE = String.raw`[^\S\n]+`;
const CONNECTORS = String.raw`${QUALIFIER}(?:(?<qcolon>${CONNECTOR_COLON})|(?<qverb>${CONNECTOR_VERB}))|(?<colon>${CONNECTOR_COLON}|${CONNECTOR_JA})|(?<verb>${CONNECTOR_VERB})|(?<space>${CONNECTOR_SPACE})`;
const NOT_VALUE = String.raw`\s"'“”‘’「」『』<>\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}。、（）`;
const VALUE = String.raw`"(?<q1>[^"\s]{4,64})"|'(?<q2>[^'\s]{4,64})'|“(?<q3>[^”\s]{4,64})”|「(?<q4>[^」\s]{4,64})」|\x60(?<q5>[^\x60\s]{4,64})\x60|(?<bare>[^${NOT_VALUE}]{4,64})`;
// Sticky (`y`), run from the keyword's end: no slice. No `d` flag: the value (or its closing quote) ends the match,
// so its offset follows from the lengths.
const PASSWORD_TAIL = new RegExp(String.raw`(?:${CONNECTORS})(?:${VALUE})`, 'uy');
const CODE_VALUE = String.raw`(?<code>\d{4,8}|\d{3}[ -]\d{3})(?![A-Za-z0-9_]|[.,:/-]\d)`;
const OTP_TAIL = new RegExp(String.raw`(?:${CONNECTORS})${CODE_VALUE}`, 'uy');

const MASKED = /^[*•●xX#._\-–]+$/u;
const DATE_OR_TIME = /^\d{1,4}[-/.:]\d{1,2}(?:[-/.:]\d{1,4})?$/;
const URL_OR_EMAIL = /^(?:https?:|www\.|\/)|^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;
const TRAILING_PUNCTUATION = /[.,;:)\]]+$/;

type Strength = 'strong' | 'weak';

function looksLikePassword(value: string, quoted: boolean, connector: 'colon' | 'verb' | 'space', strength: Strength): number {
  if (MASKED.test(value) || DATE_OR_TIME.test(value) || URL_OR_EMAIL.test(value)) return 0;
  const hasDigit = /\d/.test(value);
  const hasSymbol = /[^\p{L}\p{N}]/u.test(value);
  const hasInnerUpper = /.\p{Lu}/u.test(value) && /\p{Ll}/u.test(value);
  const hasLetter = /\p{L}/u.test(value);
  const mixed = (hasDigit && hasLetter) || hasSymbol || hasInnerUpper;
  if (quoted) return value.length >= 4 ? 0.95 : 0;
  switch (connector) {
    case 'colon':
      if (mixed) return 0.95;
      if (hasDigit && value.length >= 4) return 0.85; // a PIN or a numeric password
      return 0;
    case 'verb':
      return mixed && value.length >= 6 ? 0.92 : hasDigit && value.length >= 4 ? 0.8 : 0;
    case 'space':
      return strength === 'strong' && hasDigit && hasLetter && value.length >= 8 ? 0.75 : 0;
  }
}

function connectorOf(groups: Record<string, string | undefined>): 'colon' | 'verb' | 'space' {
  if (groups.colon !== undefined || groups.qcolon !== undefined) return 'colon';
  return groups.verb !== undefined || groups.qverb !== undefined ? 'verb' : 'space';
}

function tail(re: RegExp, text: string, from: number): RegExpExecArray | null {
  re.lastIndex = from;
  return re.exec(text);
}

function passwordAfter(text: string, from: number, strength: Strength): Candidate | undefined {
  const m = tail(PASSWORD_TAIL, text, from);
  if (!m?.groups) return undefined;
  const connector = connectorOf(m.groups);
  if (strength === 'weak' && connector === 'space') return undefined;
  const name = (['q1', 'q2', 'q3', 'q4', 'q5', 'bare'] as const).find((g) => m.groups?.[g] !== undefined) ?? 'bare';
  const raw = m.groups[name] ?? '';
  const quoted = name !== 'bare';
  // The value (then its closing quote, if quoted) ends the match.
  const start = m.index + m[0].length - raw.length - (quoted ? 1 : 0);
  const value = quoted ? raw : raw.replace(TRAILING_PUNCTUATION, '');
  const confidence = looksLikePassword(value, quoted, connector, strength);
  if (confidence === 0 || value.length < 4) return undefined;
  return { kind: 'password', start, end: start + value.length, confidence };
}

function codeAfter(text: string, keywordStart: number, from: number, strength: Strength, kind: FindingKind): Candidate | undefined {
  const m = tail(OTP_TAIL, text, from);
  const code = m?.groups?.code;
  if (!m?.groups || code === undefined) return undefined;
  const connector = connectorOf(m.groups);
  if (strength === 'weak') {
    if (connector === 'space' && kind === 'one_time_code') return undefined;
    if (NOT_A_SECRET_CODE.test(before(text, keywordStart, 24))) return undefined;
  }
  const end = m.index + m[0].length;
  const confidence = strength === 'strong' ? 0.95 : connector === 'space' ? 0.7 : 0.85;
  return { kind, start: end - code.length, end, confidence };
}

export function findCredentials(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const re of [KEYWORD, KEYWORD_JA]) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const g = m.groups ?? {};
      const from = m.index + m[0].length;
      let found: Candidate | undefined;
      if (g.otp !== undefined) found = codeAfter(text, m.index, from, 'strong', 'one_time_code');
      else if (g.otpWeak !== undefined) found = codeAfter(text, m.index, from, 'weak', 'one_time_code');
      else if (g.pw !== undefined) found = passwordAfter(text, from, 'strong');
      else if (g.pwWeak !== undefined) {
        // "PIN: 4821" is a PIN (reported as a password); "pwd: Xk9…" a password.
        found = /pin/i.test(m[0]) ? codeAfter(text, m.index, from, 'weak', 'password') : passwordAfter(text, from, 'weak');
      }
      if (found) out.push(found);
    }
  }
  return out;
}

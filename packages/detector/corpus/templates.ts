// Ticket sentences with a slot for a sensitive value, per kind and language. `{v}` is the value the line is labelled
// with; the rest of the sentence is realistic help-desk text written by hand.
import type { FindingKind } from '../src/types';

export type Lang = 'en' | 'de' | 'fr' | 'es' | 'nl' | 'it' | 'pt-BR' | 'ja';
export type Templates = Partial<Record<Lang, readonly string[]>>;

export const CARD: Templates = {
  en: [
    'Hi, I tried to pay with my card {v} but the payment keeps failing.',
    'Card number: {v}, expiry 09/28.',
    'Customer read out the card {v} over the phone, please update the billing profile.',
    'Can you charge {v} instead of the old card?',
    'Visa {v} exp 11/27',
    'my new credit card is {v} please use that one from now on',
    'Please use {v} for the renewal, the other one was cancelled.',
  ],
  de: [
    'Hallo, bitte buchen Sie den Betrag von meiner Kreditkarte {v} ab.',
    'Kartennummer: {v}, gültig bis 03/27.',
    'Die Zahlung mit der Karte {v} wurde abgelehnt, warum?',
    'Neue Karte: {v}',
    'Bitte ab sofort {v} belasten, danke!',
  ],
  fr: [
    'Bonjour, ma carte bancaire {v} a été débitée deux fois.',
    'Numéro de carte : {v}, expiration 04/28.',
    'Pouvez-vous utiliser la carte {v} pour le renouvellement ?',
    "J'ai une nouvelle CB : {v}",
  ],
  es: [
    'Hola, mi tarjeta {v} fue rechazada al pagar el pedido.',
    'Número de tarjeta: {v} caduca 10/27',
    'Por favor cobren a la tarjeta de crédito {v}.',
  ],
  nl: [
    'Hallo, mijn creditcard {v} is twee keer belast.',
    'Kaartnummer: {v}, geldig tot 05/28.',
    'Kunnen jullie {v} gebruiken voor het abonnement?',
  ],
  it: [
    'Buongiorno, la mia carta {v} è stata addebitata due volte.',
    'Numero carta: {v} scadenza 07/27',
    'Potete addebitare sulla carta di credito {v}?',
  ],
  'pt-BR': [
    'Olá, meu cartão {v} foi recusado na compra.',
    'Número do cartão: {v}, validade 08/29.',
    'Podem cobrar no cartão de crédito {v}?',
  ],
  ja: ['クレジットカード番号は {v} です。', 'カード{v}で支払いできませんでした。', 'お支払いに使ったカード番号：{v}'],
};

export const IBAN: Templates = {
  en: [
    'Please refund the amount to my account, IBAN {v}.',
    'Bank details: {v} (Acme Trading Ltd)',
    'Could you send the payout to {v}?',
    'IBAN: {v} BIC: DEUTDEFFXXX',
    'Our new account for direct debits is {v}, please update the mandate.',
  ],
  de: [
    'Bitte überweisen Sie die Erstattung auf IBAN {v}.',
    'Meine neue Bankverbindung: {v}',
    'Kontoverbindung {v}, Kontoinhaber Max Mustermann',
    'Lastschrift bitte ab März von {v} einziehen.',
  ],
  fr: ['Merci de rembourser sur mon IBAN {v}.', 'RIB : {v}', 'Mes nouvelles coordonnées bancaires : {v} (titulaire M. Martin)'],
  es: ['Por favor, devuelvan el importe a la cuenta {v}.', 'Mi IBAN es {v}', 'Domiciliación: {v}, titular Ana García'],
  nl: ['Graag terugstorten op {v} t.n.v. J. Jansen.', 'Mijn IBAN: {v}', 'Nieuw rekeningnummer voor de incasso: {v}'],
  it: ["Vi prego di accreditare il rimborso sull'IBAN {v}.", 'Coordinate bancarie: {v}', 'Nuovo IBAN per il RID: {v}'],
  'pt-BR': ['Favor estornar para a conta IBAN {v}.', 'Segue meu IBAN: {v}', 'Dados bancários para reembolso: {v}'],
  ja: ['返金先のIBANは {v} です。', '口座：{v}', '振込先IBAN：{v}（名義：ヤマダタロウ）'],
};

export const PASSWORD: Templates = {
  en: [
    'Your temporary password is {v}',
    'Temp password: {v} (please change it at first login)',
    'I reset it, new password: {v}',
    'login: jdoe / pwd: {v}',
    'The Wi-Fi password is {v}',
    'Password for the VPN: {v}',
    'password = {v}',
    'Hi team, the admin password is "{v}" if you need to get in today.',
    'I set a temporary password {v} for the account, tell the customer to change it.',
  ],
  de: [
    'Ihr Initialpasswort lautet {v}',
    'Passwort: {v}',
    'Das neue Kennwort ist {v} – bitte nach dem ersten Login ändern.',
    'Einmalpasswort: {v}',
    'Benutzer m.mueller, Passwort {v}, bitte sofort ändern.',
  ],
  fr: [
    'Votre mot de passe temporaire est {v}',
    'mot de passe : {v}',
    'Identifiant : m.dupont / mdp : {v}',
    'Le mot de passe du Wi-Fi est {v}',
  ],
  es: [
    'Su contraseña temporal es {v}',
    'contraseña: {v}',
    'Usuario: jgarcia, clave: {v}',
    'La contraseña provisional es {v}, cámbiela al entrar.',
  ],
  nl: ['Je tijdelijke wachtwoord is {v}', 'wachtwoord: {v}', 'Het nieuwe wachtwoord voor de portal is {v}'],
  it: ['La tua password temporanea è {v}', 'Password: {v}', 'La password del Wi-Fi è {v}'],
  'pt-BR': ['Sua senha temporária é {v}', 'senha: {v}', 'A senha do Wi-Fi é {v}', 'Usuário: mferreira / senha provisória: {v}'],
  ja: ['仮パスワード：{v}', 'パスワードは {v} です', '初期パスワードは「{v}」です。'],
};

export const PIN: Templates = {
  en: ['PIN: {v}', 'The new PIN is {v}'],
  de: ['Ihre neue PIN lautet {v}', 'PIN-Nummer: {v}'],
  fr: ['Votre code PIN est {v}'],
  es: ['El PIN es {v}'],
  ja: ['暗証番号：{v}'],
};

export const OTP: Templates = {
  en: [
    'Your verification code is {v}',
    'OTP: {v}',
    'The customer read me the one-time code {v} from the SMS',
    'Security code: {v}, valid for 10 minutes',
    'I got the login code {v} but it says invalid',
  ],
  de: ['Ihr Bestätigungscode lautet {v}', 'Der Sicherheitscode ist {v}', 'TAN: {v}'],
  fr: ['Votre code de vérification est {v}', 'code de sécurité : {v}'],
  es: ['Su código de verificación es {v}', 'código: {v}'],
  nl: ['Je verificatiecode is {v}', 'beveiligingscode: {v}'],
  it: ['Il codice di verifica è {v}', 'codice OTP: {v}'],
  'pt-BR': ['Seu código de verificação é {v}', 'código: {v}'],
  ja: ['認証コード：{v}', '確認コードは {v} です'],
};

export const NATIONAL: Partial<Record<FindingKind, Templates>> = {
  us_ssn: {
    en: [
      'My SSN is {v}',
      'Social Security Number: {v}',
      'She gave her SSN {v} for the identity check.',
      'SSN: {v}',
      'Applicant {v} needs a callback',
    ],
  },
  uk_nino: { en: ['My National Insurance number is {v}', 'NI number: {v}', 'NINO {v} for the payroll change'] },
  de_tax_id: {
    de: ['Meine Steuer-ID lautet {v}', 'Steuer-Identifikationsnummer: {v}', 'IdNr {v}, bitte für die Lohnabrechnung hinterlegen.'],
  },
  fr_nir: { fr: ['Mon numéro de sécurité sociale est {v}', 'NIR : {v}', 'Carte Vitale n° {v}'] },
  es_dni: { es: ['Mi DNI es {v}', 'NIE: {v}', 'DNI {v} a nombre de Lucía Pérez'] },
  nl_bsn: { nl: ['Mijn BSN is {v}', 'burgerservicenummer: {v}', 'BSN {v} voor de loonstrook'] },
  it_fiscal_code: { it: ['Il mio codice fiscale è {v}', 'C.F.: {v}', 'Codice fiscale {v} per la fattura'] },
};

export const TOKENS: Partial<Record<FindingKind, Templates>> = {
  aws_access_key: {
    en: ['Access key {v} was pasted in the public repo, please help', 'AWS_ACCESS_KEY_ID={v}'],
    de: ['Der Access Key {v} wurde versehentlich geteilt.'],
  },
  aws_secret_key: { en: ['aws_secret_access_key = {v}', 'AWS secret key: {v}'], fr: ['La clé secrète AWS (secret) : {v}'] },
  github_token: { en: ['I pasted my token {v} in the config', 'GITHUB_TOKEN={v}'], de: ['Hier mein Token: {v}'], ja: ['トークン：{v}'] },
  slack_token: { en: ['The bot token is {v}', 'SLACK_BOT_TOKEN={v}'], nl: ['Slack-token voor de integratie: {v}'] },
  stripe_key: { en: ['Our Stripe key {v} is in the webhook settings', 'STRIPE_SECRET_KEY={v}'], es: ['La clave de Stripe es {v}'] },
  google_api_key: {
    en: ['Maps API key: {v}', 'https://maps.googleapis.com/maps/api/geocode/json?key={v}'],
    it: ['Chiave API di Google: {v}'],
  },
  jwt: { en: ['Authorization: Bearer {v}', 'Is the session token {v} expired?'], 'pt-BR': ['O token {v} não funciona mais'] },
  private_key: { en: ["Here's the key file:\n{v}\nthanks", 'Deploy key below\n{v}'], de: ['Anbei der Schlüssel:\n{v}'] },
  high_entropy: {
    en: ['client_secret: {v}', 'The webhook secret is {v}', 'API key {v} for the sandbox tenant'],
    fr: ['Le jeton API : {v}'],
    de: ['Unser API-Schlüssel: {v}'],
  },
};

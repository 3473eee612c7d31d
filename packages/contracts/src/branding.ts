import { z } from 'zod';
import { text } from './text';

/**
 * Issue 14, "links a customer can trust": a tenant's branding (what every customer page shows), the link phrase the
 * agent reads out and the customer's page shows, and the bank-publishable check page. Rules and the threat model:
 * services/api/src/modules/branding/NOTES.md.
 */

const API = '/api/v1';
const enc = encodeURIComponent;
const publicPrefix = (tenantSlug?: string) => (tenantSlug === undefined ? API : `${API}/t/${enc(tenantSlug)}`);

export const BRANDING_PATHS = {
  /** GET / PUT / DELETE (admin): a tenant's branding. */
  admin: (slug: string) => `${API}/admin/tenants/${enc(slug)}/branding`,
  /** GET (public): the bank's name, colour, logo URL and support contact, nothing about any link. */
  branding: (tenantSlug?: string) => `${publicPrefix(tenantSlug)}/branding`,
  /** GET (public): the logo, a PNG served from our own origin. */
  logo: (tenantSlug?: string) => `${publicPrefix(tenantSlug)}/branding/logo.png`,
  /** POST {keyCheck} (public): who sent this link and its phrase; only for a holder of the link's key. */
  linkTrust: (id: string, tenantSlug?: string) => `${publicPrefix(tenantSlug)}/secrets/${enc(id)}/trust`,
  /** POST {link} (public, rate-limited): did this bank issue it, is it still active. */
  linkCheck: (tenantSlug?: string) => `${publicPrefix(tenantSlug)}/link-check`,
  /** The customer-facing check page a bank publishes (served by the portal). */
  checkPage: (tenantSlug?: string) => `${tenantSlug === undefined ? '' : `/t/${enc(tenantSlug)}`}/check`,
} as const;

export const LOGO_MAX_BYTES = 64 * 1024;
/** PNG only: an SVG can carry script and external references; a PNG is pixels. */
export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** WCAG 2.x relative luminance of `#rrggbb`. */
export function relativeLuminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + i * 2, 3 + i * 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** The text colour a brand colour sits behind (header, primary button); brand colours are checked against it. */
export const BRAND_TEXT_COLOR = '#ffffff';

/** WCAG contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [l1, l2] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (l1 + 0.05) / (l2 + 0.05);
}

/**
 * The brand colour is used as a background behind white text (header, primary button) and as text/links on the
 * white page: both need 4.5:1 against white (WCAG AA, normal text). A lighter colour is refused, not adjusted.
 */
export const MIN_BRAND_CONTRAST = 4.5;

const RESERVED_TLDS = ['localhost', 'local', 'internal', 'invalid', 'test', 'example', 'onion', 'arpa'];
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A DNS host name we may build links with: lower case, two labels or more, no address, no port, not localhost. */
export function isLinkDomain(host: string): boolean {
  if (host.length < 4 || host.length > 253 || host !== host.toLowerCase()) return false;
  const labels = host.split('.');
  if (labels.length < 2 || !labels.every((l) => HOST_LABEL.test(l))) return false;
  const tld = labels[labels.length - 1]!;
  // A numeric last label is an IPv4 address (or nothing); reserved names never reach a customer.
  return !/^[0-9]+$/.test(tld) && !RESERVED_TLDS.includes(tld);
}

const PHONE = /^\+?[0-9][0-9 ()-]{3,22}[0-9]$/;

export const BrandingUpdateSchema = z.strictObject({
  /** The bank's name as customers know it. */
  displayName: text()
    .trim()
    .min(1)
    .max(80)
    .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'must not contain control or formatting characters'),
  /** `#rrggbb`, 4.5:1 against white or better. */
  brandColor: text()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1f73b7')
    .transform((s) => s.toLowerCase())
    .refine(
      (c) => contrastRatio(c, BRAND_TEXT_COLOR) >= MIN_BRAND_CONTRAST,
      `must have a contrast of ${MIN_BRAND_CONTRAST}:1 or more against white`,
    )
    .nullable()
    .default(null),
  /** A PNG, base64 (standard alphabet), at most 64 KiB decoded; null removes the logo, absent keeps it. */
  logoPngBase64: text().max(90_000).nullable().optional(),
  supportPhone: text()
    .regex(PHONE, 'must be a phone number like +44 20 7946 0000')
    .refine((s) => s.replace(/\D/g, '').length >= 5 && s.replace(/\D/g, '').length <= 15, 'must have 5 to 15 digits')
    .nullable()
    .default(null),
  supportUrl: text()
    .max(300)
    .refine((s) => {
      try {
        const u = new URL(s);
        return u.protocol === 'https:' && u.username === '' && u.password === '' && u.hash === '';
      } catch {
        return false;
      }
    }, 'must be an https address without credentials or fragment')
    .nullable()
    .default(null),
  /** An optional host for the tenant's links (DNS + TLS set up by the operator: README, "Custom link domain"). */
  linkDomain: text()
    .transform((s) => s.toLowerCase())
    .refine(isLinkDomain, 'must be a host name like links.bank.example.com (no scheme, port or path)')
    .nullable()
    .default(null),
});
export type BrandingUpdate = z.input<typeof BrandingUpdateSchema>;

/** The admin view: the stored values (the logo only as whether there is one). */
export const BrandingAdminViewSchema = z.object({
  displayName: text(),
  brandColor: text().nullable(),
  hasLogo: z.boolean(),
  supportPhone: text().nullable(),
  supportUrl: text().nullable(),
  linkDomain: text().nullable(),
  updatedAt: text(),
});
export type BrandingAdminView = z.infer<typeof BrandingAdminViewSchema>;

/** What a customer page shows about the bank. `displayName` is the tenant's name when no branding is stored. */
export const PublicBrandingSchema = z.object({
  displayName: text(),
  brandColor: text().nullable(),
  logoUrl: text().nullable(),
  supportPhone: text().nullable(),
  supportUrl: text().nullable(),
  checkUrl: text(),
});
export type PublicBranding = z.infer<typeof PublicBrandingSchema>;

export const LinkTrustRequestSchema = z.strictObject({ keyCheck: text().min(1).max(200) });
export type LinkTrustRequest = z.infer<typeof LinkTrustRequestSchema>;

/** Who sent a link, from our records (never from the link), and its phrase. */
export const LinkTrustSchema = z.object({
  bank: PublicBrandingSchema,
  /** The ticket's number as the desk shows it (e.g. `#123`, `INC0010001`, `SUP-7`); null for links not sent from a ticket. */
  ticket: text().nullable(),
  /** The sending agent's first name, when their desk name starts with one; null otherwise. */
  agentFirstName: text().nullable(),
  /** Three words from a fixed list: HMAC(tenant's link-phrase key, link id). */
  phrase: text(),
});
export type LinkTrust = z.infer<typeof LinkTrustSchema>;

export const LinkCheckRequestSchema = z.strictObject({ link: text().max(2000) });
export type LinkCheckRequest = z.infer<typeof LinkCheckRequestSchema>;

/** One shape for every answer: nothing about content, recipient or ticket. */
export const LINK_CHECK_RESULTS = ['active', 'inactive', 'not_issued'] as const;
export const LinkCheckResultSchema = z.object({ result: z.enum(LINK_CHECK_RESULTS) });
export type LinkCheckResult = z.infer<typeof LinkCheckResultSchema>;

import { useCallback, useEffect, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { failureText, Notice } from '@vouchsafe/console';
import { BRAND_TEXT_COLOR, contrastRatio, MIN_BRAND_CONTRAST, type BrandingUpdate } from '@vouchsafe/contracts';
import type { AdminApi } from '../api/admin-api';
import { FormField } from './FormField';

export interface BrandingSectionProps {
  api: Pick<AdminApi, 'branding' | 'setBranding'>;
  csrf: string;
  slug: string;
  onSignedOut(): void;
}

type Values = Record<'displayName' | 'brandColor' | 'supportPhone' | 'supportUrl' | 'linkDomain', string>;
const EMPTY: Values = { displayName: '', brandColor: '', supportPhone: '', supportUrl: '', linkDomain: '' };
const LABELS: Record<keyof Values, string> = {
  displayName: 'Bank name customers see',
  brandColor: 'Brand colour (#rrggbb)',
  supportPhone: 'Support phone',
  supportUrl: 'Support page (https)',
  linkDomain: 'Custom link domain',
};

const orNull = (v: string) => (v.trim() === '' ? null : v.trim());

/** What a customer will read against the colour, checked here before the server checks it again. */
export function contrastProblem(color: string): string | undefined {
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) return undefined;
  const ratio = contrastRatio(color.toLowerCase(), BRAND_TEXT_COLOR);
  return ratio < MIN_BRAND_CONTRAST
    ? `Contrast with white is ${ratio.toFixed(1)}:1; it must be ${MIN_BRAND_CONTRAST}:1 or more.`
    : undefined;
}

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Issue 14: what every customer page of this tenant shows — name, PNG logo, colour, support contact — and the
 * optional custom link domain (README, "Links a customer can trust"). Applied at once and audited; not four eyes.
 */
export function BrandingSection({ api, csrf, slug, onSignedOut }: BrandingSectionProps) {
  const [values, setValues] = useState<Values>(EMPTY);
  const [hasLogo, setHasLogo] = useState(false);
  const [logo, setLogo] = useState<string | null>();
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [status, setStatus] = useState<{ type: 'success' | 'error'; text: string }>();
  const [isBusy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const answer = await api.branding(slug);
    if (answer.ok) {
      const v = answer.value;
      setValues({
        displayName: v.displayName,
        brandColor: v.brandColor ?? '',
        supportPhone: v.supportPhone ?? '',
        supportUrl: v.supportUrl ?? '',
        linkDomain: v.linkDomain ?? '',
      });
      setHasLogo(v.hasLogo);
    } else if (answer.failure.kind === 'signed-out') onSignedOut();
    else if (answer.failure.kind !== 'not-found') setStatus({ type: 'error', text: failureText(answer.failure) });
  }, [api, slug, onSignedOut]);
  useEffect(() => void load(), [load]);

  const save = async () => {
    const colorProblem = contrastProblem(values.brandColor);
    if (colorProblem) {
      setErrors({ brandColor: colorProblem });
      return;
    }
    setBusy(true);
    setStatus(undefined);
    const body: BrandingUpdate = {
      displayName: values.displayName,
      brandColor: orNull(values.brandColor),
      supportPhone: orNull(values.supportPhone),
      supportUrl: orNull(values.supportUrl),
      linkDomain: orNull(values.linkDomain),
      ...(logo !== undefined ? { logoPngBase64: logo } : {}),
    };
    const answer = await api.setBranding(csrf, slug, body);
    setBusy(false);
    if (answer.ok) {
      setErrors({});
      setHasLogo(answer.value.hasLogo);
      setLogo(undefined);
      setStatus({ type: 'success', text: 'Branding saved. Customer pages show it from now on.' });
      return;
    }
    if (answer.failure.kind === 'signed-out') return onSignedOut();
    if (answer.failure.kind === 'invalid') {
      setErrors(Object.fromEntries(answer.failure.issues.map((i) => [i.path.split('.')[0]!, i.message])));
      setStatus({ type: 'error', text: 'Some fields are not right: see below each.' });
    } else setStatus({ type: 'error', text: failureText(answer.failure) });
  };

  const set = (key: keyof Values) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  return (
    <section aria-labelledby="vs-branding-heading" className="vs-section" data-testid="branding">
      <h3 id="vs-branding-heading">Branding on customer pages</h3>
      <div role="status" aria-live="polite" className="vs-live">
        {status && <Notice type={status.type}>{status.text}</Notice>}
      </div>
      <form
        className="vs-form"
        aria-label="Branding"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {(Object.keys(LABELS) as (keyof Values)[]).map((key) => (
          <FormField
            key={key}
            label={LABELS[key]}
            value={values[key]}
            onChange={set(key)}
            type={key === 'supportUrl' ? 'url' : 'text'}
            isOptional={key !== 'displayName'}
            hint={key === 'linkDomain' ? 'Set up DNS and TLS first (README). New links use it at once.' : undefined}
            {...(errors[key] ? { error: errors[key] } : {})}
          />
        ))}
        <Field>
          <Field.Label>Logo (PNG, at most 64 KiB){hasLogo ? ' — a logo is stored' : ''}</Field.Label>
          <Input
            type="file"
            accept="image/png"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void base64Of(file).then(setLogo);
            }}
          />
          {errors.logoPngBase64 && <Field.Message validation="error">{errors.logoPngBase64}</Field.Message>}
        </Field>
        <div className="vs-actions">
          <Button type="submit" isPrimary disabled={isBusy}>
            Save branding
          </Button>
          {hasLogo && (
            <Button type="button" onClick={() => setLogo(null)} disabled={isBusy}>
              Remove the logo on save
            </Button>
          )}
        </div>
      </form>
    </section>
  );
}

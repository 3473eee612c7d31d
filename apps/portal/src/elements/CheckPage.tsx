import { useState, type FormEvent } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { Paragraph, XXL } from '@zendeskgarden/react-typography';
import type { LinkCheckResult, PublicBranding } from '@vouchsafe/contracts';
import type { TrustApi } from '../api/trust-api';
import { linkToCheck } from '../trust/check-location';
import { StateNotice } from './StateNotice';

export interface CheckPageProps {
  api: Pick<TrustApi, 'checkLink'>;
  branding: PublicBranding | undefined;
}

type Answer = LinkCheckResult['result'] | 'throttled' | 'unreachable';

const ANSWERS: Record<Answer, { type: 'success' | 'info' | 'warning' | 'error'; text: (bank: string) => string }> = {
  active: { type: 'success', text: (bank) => `${bank} sent this link and it can still be opened.` },
  inactive: { type: 'info', text: (bank) => `${bank} sent this link, but it can no longer be opened (used, expired or withdrawn).` },
  not_issued: {
    type: 'error',
    text: (bank) => `${bank} did not send this link. Do not open it or enter any details; contact ${bank} on a number you already know.`,
  },
  throttled: { type: 'warning', text: () => 'Too many checks from your network. Wait a minute and try again.' },
  unreachable: { type: 'error', text: () => 'The check could not be done right now. Try again in a moment.' },
};

/**
 * The page a bank publishes (`/check`, `/t/{slug}/check`): paste a link or its id, learn only whether this bank
 * issued it and whether it is still active. The part after `#` (the key) is removed before anything is sent.
 */
export function CheckPage({ api, branding }: CheckPageProps) {
  const [link, setLink] = useState('');
  const [answer, setAnswer] = useState<Answer>();
  const [isChecking, setIsChecking] = useState(false);
  const bank = branding?.displayName ?? 'Your bank';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = linkToCheck(link);
    if (value === '' || isChecking) return;
    setIsChecking(true);
    setAnswer(undefined);
    const result = await api.checkLink(value);
    setAnswer(result.ok ? result.value.result : result.isThrottled ? 'throttled' : 'unreachable');
    setIsChecking(false);
  };

  return (
    <main className="vs-page" data-state="check">
      <XXL tag="h1" className="vs-heading">
        Is this link really from {bank}?
      </XXL>
      <Paragraph>
        Paste the link you received, or just its id. This page tells you only whether {bank} sent it and whether it can still be opened. It
        never opens the link and never shows what is behind it.
      </Paragraph>
      <form className="vs-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Check a link">
        <Field>
          <Field.Label>Link or id</Field.Label>
          <Field.Hint>The part after # is not sent.</Field.Hint>
          <Input name="link" autoComplete="off" spellCheck={false} value={link} onChange={(e) => setLink(e.target.value)} />
        </Field>
        <div className="vs-actions">
          <Button type="submit" isPrimary disabled={isChecking} aria-busy={isChecking || undefined}>
            Check
          </Button>
        </div>
      </form>
      <div role="status" aria-live="polite" aria-atomic="true" className="vs-live" data-testid="check-answer">
        {answer && <StateNotice type={ANSWERS[answer].type}>{ANSWERS[answer].text(bank)}</StateNotice>}
      </div>
    </main>
  );
}

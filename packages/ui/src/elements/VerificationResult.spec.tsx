import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { messages } from '../messages';
import { verification } from '../testing/fake-sidebar';
import { renderThemed } from '../testing/render';
import { VerificationResult } from './VerificationResult';

const approved = { state: 'approved', requestedBy: 'Jane Doe', reason: 'lost phone, known voice', approvedBy: 'Sam Lee' } as const;

describe('VerificationResult', () => {
  it('verified: the one green badge, with the IdP reference and receipt', () => {
    renderThemed(
      <VerificationResult
        verification={verification({ state: 'verified', idpRef: 'ftx…91', receipt: 'ev-1' })}
        view="verified"
        methodName="Okta Verify"
        secondsValid={872}
      />,
    );
    expect(screen.getByText(messages.verify.verifiedBadge).closest('[data-badge="verified"]')).toBeTruthy();
    expect(screen.getByRole('timer').textContent).toBe('Verified by Okta Verify · valid for 14:32');
    expect(screen.getByText('IdP reference ftx…91')).toBeTruthy();
    expect(screen.getByText('Receipt ev-1')).toBeTruthy();
  });

  it('overridden: a warning banner naming both people, never the badge', () => {
    renderThemed(
      <VerificationResult
        verification={verification({ state: 'overridden', override: approved })}
        view="overridden"
        methodName="Okta Verify"
        secondsValid={60}
      />,
    );
    const banner = screen.getByRole('alert');
    expect(banner.dataset.banner).toBe('override');
    expect(banner.textContent).toContain(messages.verify.overrideBannerTitle);
    expect(banner.textContent).toContain('Requested by Jane Doe, approved by Sam Lee. Counts for 1:00.');
    expect(banner.textContent).toContain('Reason: lost phone, known voice');
    expect(screen.queryByText(messages.verify.verifiedBadge)).toBeNull();
  });

  it('denied without a fraud flag says the caller denied it', () => {
    renderThemed(
      <VerificationResult verification={verification({ state: 'denied' })} view="denied" methodName="Duo Push" secondsValid={undefined} />,
    );
    expect(screen.getByText(messages.verify.deniedNoFraud)).toBeTruthy();
  });

  it('failed without a reason still says it failed', () => {
    renderThemed(
      <VerificationResult verification={verification({ state: 'failed' })} view="failed" methodName="Duo Push" secondsValid={undefined} />,
    );
    expect(screen.getByText('Verification failed.')).toBeTruthy();
  });
});

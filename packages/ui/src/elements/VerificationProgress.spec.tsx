import { cleanup, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { messages } from '../messages';
import { verification } from '../testing/fake-sidebar';
import { renderThemed } from '../testing/render';
import { VerificationProgress } from './VerificationProgress';

const props = { methodName: 'Okta Verify', isCancelling: false, isCheckingCode: false, onCancel: vi.fn(), onCode: vi.fn(async () => true) };

describe('VerificationProgress', () => {
  it('shows the number large (for reading out) and the sentence for screen readers', () => {
    renderThemed(
      <VerificationProgress
        {...props}
        verification={verification({ state: 'waiting', binding: { kind: 'number_challenge', number: '42' } })}
        secondsLeft={90}
      />,
    );
    expect(screen.getByText('Ask the caller to choose 42 in Okta Verify')).toBeTruthy();
    const readout = document.querySelector('[data-readout]');
    expect(readout?.textContent).toBe('42');
    expect(readout?.getAttribute('aria-hidden')).toBe('true');
    expect(screen.getByRole('timer').textContent).toBe(messages.verify.timesOutIn('1:30'));
  });

  it('waits for a plain push without a number, and shows no countdown without a deadline', () => {
    renderThemed(
      <VerificationProgress {...props} verification={verification({ state: 'waiting', binding: null })} secondsLeft={undefined} />,
    );
    expect(screen.getByText(messages.verify.waitingPush('Okta Verify'))).toBeTruthy();
    expect(screen.queryByRole('timer')).toBeNull();
  });

  it('Cancel is busy while cancelling', () => {
    renderThemed(<VerificationProgress {...props} isCancelling verification={verification()} secondsLeft={10} />);
    expect(screen.getByRole('button', { name: messages.verify.cancel }).getAttribute('aria-busy')).toBe('true');
  });

  it('says a voice callback is being read out', () => {
    const binding = { kind: 'callback_code', sentTo: '+1 ***-***-1234', channel: 'voice', attemptsLeft: 1 } as const;
    renderThemed(
      <VerificationProgress
        {...props}
        verification={verification({ method: 'callback_voice', state: 'waiting', binding })}
        secondsLeft={10}
      />,
    );
    expect(screen.getByText('A code is being read out by phone to +1 ***-***-1234.')).toBeTruthy();
    expect(screen.getByText('1 attempt left')).toBeTruthy();
  });

  it('says where the number on record came from', () => {
    const binding = { kind: 'callback_code', sentTo: '***34', channel: 'sms', attemptsLeft: 3, source: 'desk' } as const;
    renderThemed(
      <VerificationProgress
        {...props}
        verification={verification({ method: 'callback_sms', state: 'waiting', binding })}
        secondsLeft={10}
      />,
    );
    expect(screen.getByText(messages.verify.codeSource('desk'))).toBeTruthy();
    cleanup();
    renderThemed(
      <VerificationProgress
        {...props}
        verification={verification({ method: 'callback_sms', state: 'waiting', binding: { ...binding, source: 'idp' } })}
        secondsLeft={10}
      />,
    );
    expect(screen.getByText("The number is the one in the identity provider's profile.")).toBeTruthy();
  });
});

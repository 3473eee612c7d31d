import { Button } from '@zendeskgarden/react-buttons';
import { Dots } from '@zendeskgarden/react-loaders';
import { Paragraph } from '@zendeskgarden/react-typography';
import type { RecipientVerifyMethod } from '../api/reveal-api';
import { MESSAGES, VERIFY_BUTTONS } from '../messages';

export interface VerifyPromptProps {
  methods: readonly RecipientVerifyMethod[];
  isVerifying: boolean;
  onVerify: (method: RecipientVerifyMethod) => void;
}

/** "Verify it's you": one button per link-based method the tenant allows. */
export function VerifyPrompt({ methods, isVerifying, onVerify }: VerifyPromptProps) {
  if (methods.length === 0) return <Paragraph>{MESSAGES.verifyNoMethod}</Paragraph>;
  return (
    <div className="vs-form">
      <Paragraph>{MESSAGES.verifyIntro}</Paragraph>
      <div className="vs-actions" role="group" aria-label="Ways to verify">
        {methods.map((method, i) => (
          <Button
            key={method}
            isPrimary={i === 0}
            disabled={isVerifying}
            aria-busy={isVerifying || undefined}
            data-method={method}
            onClick={() => onVerify(method)}
          >
            {VERIFY_BUTTONS[method]}
          </Button>
        ))}
        {isVerifying && (
          <span className="vs-inline-status">
            <Dots aria-hidden="true" /> {MESSAGES.verifying}
          </span>
        )}
      </div>
    </div>
  );
}

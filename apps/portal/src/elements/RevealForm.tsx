import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { Dots } from '@zendeskgarden/react-loaders';
import { MESSAGES } from '../messages';
import type { PassphraseProblem } from '../reveal/reveal.reducer';

export interface RevealFormProps {
  needsPassphrase: boolean;
  isRevealing: boolean;
  passphraseProblem?: PassphraseProblem;
  onReveal: (passphrase: string) => void;
}

export function RevealForm({ needsPassphrase, isRevealing, passphraseProblem, onReveal }: RevealFormProps) {
  const [passphrase, setPassphrase] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (passphraseProblem) inputRef.current?.focus();
  }, [passphraseProblem]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!isRevealing) onReveal(needsPassphrase ? passphrase : '');
  };

  const problemText =
    passphraseProblem === 'missing' ? MESSAGES.passphraseMissing : passphraseProblem === 'wrong' ? MESSAGES.passphraseWrong : undefined;

  return (
    <form className="vs-form" onSubmit={submit} noValidate aria-label="Reveal the secret">
      {needsPassphrase && (
        <Field>
          <Field.Label>Passphrase</Field.Label>
          <Field.Hint>The sender gave you this separately, for example by phone.</Field.Hint>
          <Input
            ref={inputRef}
            type="password"
            name="passphrase"
            autoComplete="off"
            spellCheck={false}
            value={passphrase}
            disabled={isRevealing}
            validation={problemText ? 'error' : undefined}
            aria-invalid={problemText ? true : undefined}
            onChange={(e) => setPassphrase(e.target.value)}
          />
          {problemText && <Field.Message validation="error">{problemText}</Field.Message>}
        </Field>
      )}
      <div className="vs-actions">
        <Button type="submit" isPrimary disabled={isRevealing} aria-busy={isRevealing || undefined}>
          Reveal
        </Button>
        {isRevealing && (
          <span className="vs-inline-status">
            <Dots aria-hidden="true" /> {MESSAGES.revealing}
          </span>
        )}
      </div>
    </form>
  );
}

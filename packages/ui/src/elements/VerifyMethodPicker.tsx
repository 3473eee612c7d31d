import { useId, useState, type FormEvent } from 'react';
import type { MethodOption, VerificationMethod } from '@vouchsafe/contracts';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Fieldset, Radio } from '@zendeskgarden/react-forms';
import { SM } from '@zendeskgarden/react-typography';
import { messages } from '../messages';
import * as styles from '../styles';

export interface VerifyMethodPickerProps {
  methods: readonly MethodOption[];
  isStarting: boolean;
  /** "Start verification", or "Verify again" after a result. */
  startLabel: string;
  onStart: (method: VerificationMethod) => void;
}

/** The policy's methods in its order; unavailable ones stay visible, disabled, with the reason. */
export function VerifyMethodPicker({ methods, isStarting, startLabel, onStart }: VerifyMethodPickerProps) {
  const firstAvailable = methods.find((m) => m.isAvailable)?.method;
  const [chosen, setChosen] = useState<VerificationMethod | undefined>(firstAvailable);
  const idBase = useId();
  const selected = methods.find((m) => m.method === chosen && m.isAvailable)?.method ?? firstAvailable;

  if (methods.length === 0 || firstAvailable === undefined) {
    return (
      <>
        <SM role="note">{messages.verify.noMethods}</SM>
        {methods.length > 0 && <MethodReasons methods={methods} />}
      </>
    );
  }

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (selected && !isStarting) onStart(selected);
  };

  return (
    <form style={styles.column} onSubmit={submit} aria-label={messages.verify.methodLegend}>
      <Fieldset>
        <Fieldset.Legend>{messages.verify.methodLegend}</Fieldset.Legend>
        {methods.map((option) => {
          const reasonId = `${idBase}-${option.method}-reason`;
          return (
            <Field key={option.method}>
              <Radio
                name={`${idBase}-method`}
                value={option.method}
                checked={selected === option.method}
                disabled={!option.isAvailable || isStarting}
                aria-describedby={option.reason ? reasonId : undefined}
                onChange={() => setChosen(option.method)}
              >
                <Field.Label>{option.isFallback ? messages.verify.fallbackName(option.label) : option.label}</Field.Label>
              </Radio>
              {option.reason && (
                <SM id={reasonId} style={option.isAvailable ? undefined : styles.muted}>
                  {option.reason}
                </SM>
              )}
            </Field>
          );
        })}
      </Fieldset>
      <div style={styles.row}>
        <Button type="submit" isPrimary disabled={isStarting} aria-busy={isStarting || undefined}>
          {isStarting ? messages.verify.starting : startLabel}
        </Button>
      </div>
    </form>
  );
}

function MethodReasons({ methods }: { methods: readonly MethodOption[] }) {
  return (
    <ul style={styles.plainList}>
      {methods.map((m) => (
        <li key={m.method}>
          <SM>
            {m.label}
            {m.reason ? `: ${m.reason}` : ''}
          </SM>
        </li>
      ))}
    </ul>
  );
}

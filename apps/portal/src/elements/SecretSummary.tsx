import type { SecretMetadata } from '@vouchsafe/contracts';
import { Well } from '@zendeskgarden/react-notifications';
import { Paragraph } from '@zendeskgarden/react-typography';
import { formatAbsolute, formatRelative, viewsLeftText } from '../format';

export interface SecretSummaryProps {
  metadata: SecretMetadata;
  now: Date;
}

/** What is waiting, until when, and how many views remain. Reading it consumes nothing. */
export function SecretSummary({ metadata, now }: SecretSummaryProps) {
  const expiresAt = new Date(metadata.expiresAt);
  const hasValidExpiry = !Number.isNaN(expiresAt.getTime());
  return (
    <Well isRecessed role="group" aria-label="About this secret">
      <dl className="vs-summary">
        <dt>What</dt>
        <dd>{metadata.kind === 'file' ? 'A file' : 'A text secret'}</dd>
        <dt>Expires</dt>
        <dd>
          {hasValidExpiry ? (
            <time dateTime={expiresAt.toISOString()}>
              {formatAbsolute(expiresAt)} ({formatRelative(expiresAt, now)})
            </time>
          ) : (
            'Unknown'
          )}
        </dd>
        <dt>Views left</dt>
        <dd>{viewsLeftText(metadata.viewsLeft)}</dd>
      </dl>
      <Paragraph>
        {metadata.viewsLeft <= 1
          ? 'It will be deleted as soon as you reveal it.'
          : 'Each reveal uses up one view; after the last one it is deleted.'}
      </Paragraph>
    </Well>
  );
}

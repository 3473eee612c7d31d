import { Well } from '@zendeskgarden/react-notifications';
import { Paragraph, MD } from '@zendeskgarden/react-typography';
import { Anchor } from '@zendeskgarden/react-buttons';
import type { LinkTrust } from '@vouchsafe/contracts';

export interface SenderNoticeProps {
  trust: LinkTrust;
}

/**
 * Who sent this link (bank, ticket, agent's first name) and its phrase — all from the bank's records on our server,
 * asked with the link's key check; none of it is read from the link. The phrase is what the agent can read out on
 * the phone: a copy of this page elsewhere cannot compute it (modules/branding/NOTES.md on the server).
 */
export function SenderNotice({ trust }: SenderNoticeProps) {
  const { bank, ticket, agentFirstName, phrase } = trust;
  const who = agentFirstName ? `${agentFirstName} at ${bank.displayName}` : bank.displayName;
  return (
    <Well role="group" aria-label="Who sent this" data-testid="sender-notice">
      <Paragraph>
        Sent by {who}
        {ticket ? `, about your request ${ticket}` : ''}.
      </Paragraph>
      <MD tag="p">
        Link phrase: <strong data-testid="page-phrase">{phrase}</strong>
      </MD>
      <Paragraph>
        The person who sent you this link can tell you the same three words. They will never ask you to read them out, and never ask for
        your passwords.
      </Paragraph>
      {(bank.supportPhone ?? bank.supportUrl) && (
        <Paragraph>
          Not sure? Contact {bank.displayName}
          {bank.supportPhone && (
            <>
              {' '}
              on <Anchor href={`tel:${bank.supportPhone.replace(/[^+\d]/g, '')}`}>{bank.supportPhone}</Anchor>
            </>
          )}
          {bank.supportUrl && (
            <>
              {' '}
              at <Anchor href={bank.supportUrl}>{new URL(bank.supportUrl).host}</Anchor>
            </>
          )}
          {', or '}
          <Anchor href={bank.checkUrl}>check a link</Anchor>.
        </Paragraph>
      )}
    </Well>
  );
}

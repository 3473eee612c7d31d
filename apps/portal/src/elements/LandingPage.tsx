import { Paragraph, XXL, LG } from '@zendeskgarden/react-typography';

/** The plain page at `/`: what this is, and why a link brought you here. No forms. */
export function LandingPage() {
  return (
    <main className="vs-page" data-state="landing">
      <XXL tag="h1" className="vs-heading">
        Vouchsafe
      </XXL>
      <Paragraph>
        Vouchsafe lets your bank&apos;s support team send you passwords, account details and documents without putting them in an email or a
        support ticket.
      </Paragraph>
      <LG tag="h2">How it works</LG>
      <Paragraph>
        The support agent sends you a one-time link. The secret is encrypted in the agent&apos;s browser, and the key to open it travels
        only inside the link, so Vouchsafe itself cannot read it. When you open the link and press Reveal, the secret is shown once and then
        deleted. Links also expire on their own.
      </Paragraph>
      <LG tag="h2">Got a link?</LG>
      <Paragraph>
        Open the complete link from the message you received. If it has expired or was already used, ask the sender for a new one. Vouchsafe
        never asks you for a password to see a secret, only for a passphrase the sender gave you separately.
      </Paragraph>
    </main>
  );
}

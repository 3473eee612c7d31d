import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { SidebarApiError, type SidebarApi, type SidebarContext, type SidebarHost, type TicketSecret } from '@vouchsafe/contracts';
import { LG, Span } from '@zendeskgarden/react-typography';
import { useActivity } from '../activity/use-activity';
import { messages } from '../messages';
import * as styles from '../styles';
import type { SecretDraft } from '../send/secret-draft';
import { sendSecret, type SentSecret } from '../send/send-secret';
import { isUnopened } from './ActivityItem';
import { ActivityList } from './ActivityList';
import { useDraftGuard } from '../draft/use-draft-guard';
import { DraftCheckBox } from './DraftCheckBox';
import { DraftFindingsPanel } from './DraftFindingsPanel';
import { ErrorNotification } from './ErrorNotification';
import { SendConfirmation } from './SendConfirmation';
import { SendSecretForm } from './SendSecretForm';
import { SidebarFrame } from './SidebarFrame';
import { StateNotice } from './StateNotice';
import { TicketSummary } from './TicketSummary';
import { VerifyCaller } from './VerifyCaller';

// Issue 11: the documents panel (its form, viewer and the documents crypto) is a chunk of its own, fetched after the
// sidebar is interactive, so the first load stays within the sidebar's 150 KB budget (e2e/bench/sidebar.bench.ts).
const DocumentRequests = lazy(() => import('./DocumentRequests').then((m) => ({ default: m.DocumentRequests })));

export interface TicketSidebarProps {
  host: SidebarHost;
  api: SidebarApi;
  /** How often the activity list refreshes while visible. */
  pollIntervalMs?: number;
}

type Phase =
  | { state: 'loading' }
  | { state: 'session-rejected' }
  | { state: 'unreachable' }
  /** The API answered the start with another refusal (e.g. the ticket is gone): its message says why. */
  | { state: 'failed'; message: string }
  | { state: 'ready'; context: SidebarContext };

const isRejected = (err: unknown): boolean => err instanceof SidebarApiError && err.failure === 'session_rejected';
const errorMessage = (err: unknown): string =>
  err instanceof SidebarApiError && err.failure !== 'unreachable' ? err.message : messages.unreachable;

export function TicketSidebar({ host, api, pollIntervalMs }: TicketSidebarProps) {
  const [phase, setPhase] = useState<Phase>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let isCurrent = true;
    setPhase({ state: 'loading' });
    api.start().then(
      (context) => isCurrent && setPhase({ state: 'ready', context }),
      (err: unknown) => {
        if (!isCurrent) return;
        if (isRejected(err)) setPhase({ state: 'session-rejected' });
        else if (err instanceof SidebarApiError && err.failure !== 'unreachable') setPhase({ state: 'failed', message: err.message });
        else setPhase({ state: 'unreachable' });
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [api, attempt]);

  const retry = (): void => setAttempt((n) => n + 1);
  const reject = useCallback(() => setPhase({ state: 'session-rejected' }), []);

  return (
    <SidebarFrame state={phase.state} host={host}>
      {phase.state === 'loading' && <StateNotice text={messages.loading} isLoading />}
      {phase.state === 'session-rejected' && <StateNotice text={messages.sessionRejected} />}
      {phase.state === 'unreachable' && <StateNotice text={messages.unreachable} onRetry={retry} />}
      {phase.state === 'failed' && <StateNotice text={phase.message} onRetry={retry} />}
      {phase.state === 'ready' && (
        <ReadySidebar host={host} api={api} context={phase.context} onRejected={reject} pollIntervalMs={pollIntervalMs} />
      )}
    </SidebarFrame>
  );
}

interface ReadySidebarProps {
  host: SidebarHost;
  api: SidebarApi;
  context: SidebarContext;
  onRejected: () => void;
  pollIntervalMs: number | undefined;
}

function ReadySidebar({ host, api, context, onRejected, pollIntervalMs }: ReadySidebarProps) {
  const [error, setError] = useState<string | undefined>(undefined);
  const [sent, setSent] = useState<SentSecret | undefined>(undefined);
  // Links sent from here, by secret id: memory only, for "Copy link" while unopened (packages/ui/NOTES.md).
  const [links, setLinks] = useState<ReadonlyMap<string, string>>(new Map());
  const [announcement, setAnnouncement] = useState('');

  /** Session rejection at any point ends the sidebar; anything else is shown and the agent carries on. */
  const fail = useCallback(
    (err: unknown, isQuiet = false): void => {
      if (isRejected(err)) onRejected();
      else if (!isQuiet) setError(errorMessage(err));
    },
    [onRejected],
  );
  // Background refreshes fail quietly: the list says it is stale instead of raising a notification every 5 s.
  const failQuietly = useCallback((err: unknown) => fail(err, true), [fail]);
  const activity = useActivity(api, failQuietly, setAnnouncement, pollIntervalMs);

  // Issue 12: the desk's save hook (where it has one) holds replies with findings; a moved secret is listed like a sent one.
  const refreshActivity = activity.refresh;
  const onMoved = useCallback(
    (secret: { id: string; link: string }) => {
      setLinks((m) => new Map(m).set(secret.id, secret.link));
      void refreshActivity();
    },
    [refreshActivity],
  );
  const guard = useDraftGuard({ host, api, ticketId: context.ticket.id, onSent: onMoved, onError: fail });

  const send = async (draft: SecretDraft): Promise<boolean> => {
    setError(undefined);
    setSent(undefined);
    try {
      const secret = await sendSecret(api, host, draft);
      setSent(secret);
      setLinks((m) => new Map(m).set(secret.id, secret.link));
      void activity.refresh();
      return true;
    } catch (err) {
      fail(err);
      return false;
    }
  };

  // Forget a link as soon as its secret is opened, revoked or expired: nothing to copy any more.
  useEffect(() => {
    const listed = activity.secrets;
    if (!listed) return;
    setLinks((m) => {
      const stale = listed.filter((s) => m.has(s.id) && !isUnopened(s));
      if (stale.length === 0) return m;
      const next = new Map(m);
      for (const s of stale) next.delete(s.id);
      return next;
    });
  }, [activity.secrets]);

  const revoke = async (secret: TicketSecret): Promise<void> => {
    setError(undefined);
    let isRevoked = false;
    try {
      await api.revokeSecret(secret.id);
      isRevoked = true;
    } catch (err) {
      fail(err);
    }
    await activity.refresh();
    // After the refresh, so this (rather than the generic status change) is what gets announced.
    if (isRevoked) setAnnouncement(messages.revoked(secret.fingerprint));
  };

  return (
    <>
      <TicketSummary context={context} />
      {error !== undefined && <ErrorNotification message={error} onDismiss={() => setError(undefined)} />}
      <DraftFindingsPanel guard={guard} />
      <VerifyCaller api={api} onError={fail} announce={setAnnouncement} host={host} />
      {/* Activity before the form: in desks with a fixed-height frame (Jira, ServiceNow) it was out of sight below it. */}
      <section style={styles.section} aria-labelledby="vouchsafe-activity-heading">
        <LG tag="h2" id="vouchsafe-activity-heading" isBold>
          {messages.activityHeading}
        </LG>
        <ActivityList secrets={activity.secrets} isStale={activity.isStale} onRevoke={revoke} links={links} />
      </section>
      <section style={styles.section} aria-labelledby="vouchsafe-send-heading">
        <LG tag="h2" id="vouchsafe-send-heading" isBold>
          {messages.sendHeading}
        </LG>
        <div role="status">{sent && <SendConfirmation sent={sent} onDismiss={() => setSent(undefined)} />}</div>
        <SendSecretForm onSend={send} />
      </section>
      {/* Issue 11: document requests (request, received files, view in place, review). */}
      <Suspense fallback={null}>
        <DocumentRequests
          api={api}
          host={host}
          onError={fail}
          onPollError={failQuietly}
          {...(pollIntervalMs === undefined ? {} : { pollIntervalMs })}
        />
      </Suspense>
      {/* Issue 12: where the desk cannot hold a reply before it is sent, the agent can check it here. */}
      {!host.draftHook && <DraftCheckBox host={host} api={api} onSent={onMoved} onError={fail} />}
      <Span hidden role="status" aria-live="polite">
        {announcement}
      </Span>
    </>
  );
}

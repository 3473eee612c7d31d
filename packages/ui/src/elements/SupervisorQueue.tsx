import { useCallback, useEffect, useRef, useState } from 'react';
import type { PendingOverride, SidebarApi, Verification } from '@vouchsafe/contracts';
import { Button } from '@zendeskgarden/react-buttons';
import { MD, SM } from '@zendeskgarden/react-typography';
import { messages } from '../messages';
import * as styles from '../styles';

export interface SupervisorQueueProps {
  api: Pick<SidebarApi, 'listPendingOverrides'>;
  methodName: (verification: Verification) => string;
  /** Changes when this ticket's pending requests change (the live stream): the queue reloads. */
  refreshKey: string;
}

/**
 * Issue 16: a supervisor's queue across tickets — "Waiting for a supervisor (N)" — read from the API (tenant-wide,
 * supervisors only). Each entry names its ticket; the decision is taken in that ticket's sidebar, where the
 * confirmation shows what is being approved. Renders nothing when the list cannot be read (e.g. no longer a
 * supervisor): this section is a convenience, never the only way to see a request.
 */
export function SupervisorQueue({ api, methodName, refreshKey }: SupervisorQueueProps) {
  const [overrides, setOverrides] = useState<PendingOverride[] | undefined>(undefined);
  const [isLoading, setIsLoading] = useState(false);
  const isMounted = useRef(true);

  const load = useCallback(async () => {
    setIsLoading(true);
    try {
      const list = await api.listPendingOverrides();
      if (isMounted.current) setOverrides(list.overrides);
    } catch {
      if (isMounted.current) setOverrides(undefined);
    } finally {
      if (isMounted.current) setIsLoading(false);
    }
  }, [api]);

  useEffect(() => {
    isMounted.current = true;
    void load();
    return () => {
      isMounted.current = false;
    };
  }, [load, refreshKey]);

  if (overrides === undefined) return null;
  return (
    <section style={styles.section} aria-labelledby="vouchsafe-supervisor-queue-heading" data-supervisor-queue={overrides.length}>
      <MD tag="h3" id="vouchsafe-supervisor-queue-heading" isBold>
        {messages.verify.queueHeading(overrides.length)}
      </MD>
      {overrides.length === 0 ? (
        <SM style={styles.muted}>{messages.verify.queueEmpty}</SM>
      ) : (
        <>
          <SM style={styles.muted}>{messages.verify.queueOpenHint}</SM>
          <ul style={styles.plainList}>
            {overrides.map((o) => (
              <li key={o.id} style={styles.listItem} data-queue-ticket={o.ticketId}>
                <SM isBold>
                  {messages.verify.queueItem(
                    o.ticketId,
                    o.override?.requestedBy ?? o.agentLabel,
                    methodName(o),
                    messages.verify.stateWords[o.state],
                  )}
                </SM>
                {o.isFraudSuspected && (
                  <SM isBold style={styles.danger}>
                    {messages.verify.queueFraud}
                  </SM>
                )}
                {o.override && <SM>{messages.verify.overrideReason(o.override.reason)}</SM>}
              </li>
            ))}
          </ul>
        </>
      )}
      <div style={styles.row}>
        <Button size="small" isBasic disabled={isLoading} onClick={() => void load()}>
          {messages.verify.queueRefresh}
        </Button>
      </div>
    </section>
  );
}

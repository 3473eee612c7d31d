import type { TicketSecret } from '@vouchsafe/contracts';
import { SM } from '@zendeskgarden/react-typography';
import { messages } from '../messages';
import * as styles from '../styles';
import { ActivityItem } from './ActivityItem';

export interface ActivityListProps {
  /** Undefined while the first answer is on its way. */
  secrets: TicketSecret[] | undefined;
  isStale: boolean;
  onRevoke: (secret: TicketSecret) => Promise<void>;
}

/** This ticket's secrets, newest first as the API sends them. */
export function ActivityList({ secrets, isStale, onRevoke }: ActivityListProps) {
  return (
    <>
      {isStale && <SM role="status">{messages.activityStale}</SM>}
      {secrets === undefined ? (
        <SM role="status">{messages.activityLoading}</SM>
      ) : secrets.length === 0 ? (
        <SM>{messages.activityEmpty}</SM>
      ) : (
        <ul style={styles.plainList} aria-label={messages.activityListName}>
          {secrets.map((s) => (
            <ActivityItem key={s.id} secret={s} onRevoke={onRevoke} />
          ))}
        </ul>
      )}
    </>
  );
}

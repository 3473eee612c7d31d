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
  /** Links this sidebar sent in this session, by secret id (memory only; see packages/ui/NOTES.md). */
  links?: ReadonlyMap<string, string>;
}

/** This ticket's secrets, newest first as the API sends them. */
export function ActivityList({ secrets, isStale, onRevoke, links }: ActivityListProps) {
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
            <ActivityItem key={s.id} secret={s} onRevoke={onRevoke} link={links?.get(s.id)} />
          ))}
        </ul>
      )}
      {links !== undefined && links.size > 0 && <SM style={styles.muted}>{messages.linksInMemory}</SM>}
    </>
  );
}

import { Notification } from '@zendeskgarden/react-notifications';
import { messages } from '../messages';
import * as styles from '../styles';

export interface ErrorNotificationProps {
  /** The server's message (written for agents), or a sentence from messages.ts. */
  message: string;
  onDismiss: () => void;
}

/** A failed send or revoke: says what the server said, announced as an alert, dismissable. */
export function ErrorNotification({ message, onDismiss }: ErrorNotificationProps) {
  return (
    <Notification type="error" style={styles.block}>
      <Notification.Title>{messages.errorTitle}</Notification.Title>
      <Notification.Paragraph>{message}</Notification.Paragraph>
      <Notification.Close aria-label={messages.dismissError} onClick={onDismiss} />
    </Notification>
  );
}

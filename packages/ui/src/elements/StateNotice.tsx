import { Button } from '@zendeskgarden/react-buttons';
import { Dots } from '@zendeskgarden/react-loaders';
import { MD } from '@zendeskgarden/react-typography';
import * as styles from '../styles';
import { messages } from '../messages';

export interface StateNoticeProps {
  /** The one clear sentence for this state. */
  text: string;
  isLoading?: boolean;
  onRetry?: () => void;
}

/** Loading and failure states: one sentence, announced, and a Retry where retrying can help. */
export function StateNotice({ text, isLoading = false, onRetry }: StateNoticeProps) {
  return (
    <div style={styles.notice}>
      {isLoading && <Dots aria-hidden="true" size={24} />}
      <MD role={isLoading ? 'status' : 'alert'}>{text}</MD>
      {onRetry && <Button onClick={onRetry}>{messages.retry}</Button>}
    </div>
  );
}

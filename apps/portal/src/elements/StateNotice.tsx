import type { ReactNode } from 'react';
import { Alert } from '@zendeskgarden/react-notifications';

export interface StateNoticeProps {
  type: 'success' | 'warning' | 'error' | 'info';
  title?: string;
  children: ReactNode;
}

/**
 * One sentence about the current state. Rendered inside the page's live region, so it carries
 * role="status" itself rather than Garden's default alert role, and is announced once.
 */
export function StateNotice({ type, title, children }: StateNoticeProps) {
  return (
    <Alert type={type} role="none" className="vs-notice">
      {title && <Alert.Title>{title}</Alert.Title>}
      <Alert.Paragraph>{children}</Alert.Paragraph>
    </Alert>
  );
}

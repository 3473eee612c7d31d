import type { ReactNode } from 'react';
import { Alert } from '@zendeskgarden/react-notifications';

/** One sentence about the state of a part of the page (announced through the surrounding live region). */
export function Notice({ type, title, children }: { type: 'success' | 'warning' | 'error' | 'info'; title?: string; children: ReactNode }) {
  return (
    <Alert type={type} role="none" className="vs-notice">
      {title && <Alert.Title>{title}</Alert.Title>}
      <Alert.Paragraph>{children}</Alert.Paragraph>
    </Alert>
  );
}

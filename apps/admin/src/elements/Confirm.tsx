import { useState, type ReactNode } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Modal } from '@zendeskgarden/react-modals';

export interface ConfirmProps {
  title: string;
  children: ReactNode;
  /** The confirming button's name (`Approve`, `Revoke`). */
  action: string;
  isDanger?: boolean;
  onConfirm(): Promise<void> | void;
  onCancel(): void;
}

/** A Garden modal that repeats what will happen and asks once more (focus moves into it; Escape cancels). */
export function Confirm({ title, children, action, isDanger, onConfirm, onCancel }: ConfirmProps) {
  const [isBusy, setBusy] = useState(false);
  return (
    <Modal onClose={onCancel} isAnimated={false} aria-label={title} role="alertdialog">
      <Modal.Header tag="h2" isDanger={isDanger}>
        {title}
      </Modal.Header>
      <Modal.Body>{children}</Modal.Body>
      <Modal.Footer>
        <Modal.FooterItem>
          <Button isBasic onClick={onCancel}>
            Cancel
          </Button>
        </Modal.FooterItem>
        <Modal.FooterItem>
          <Button
            isPrimary
            isDanger={isDanger}
            disabled={isBusy}
            onClick={() => {
              setBusy(true);
              void Promise.resolve(onConfirm()).finally(() => setBusy(false));
            }}
          >
            {action}
          </Button>
        </Modal.FooterItem>
      </Modal.Footer>
      <Modal.Close aria-label="Close" />
    </Modal>
  );
}

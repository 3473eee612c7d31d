import type { ReactNode } from 'react';
import { Button } from '@zendeskgarden/react-buttons';

/** The console's top bar: its name, who is signed in, sign-out (and anything a console adds, e.g. its navigation). */
export function ConsoleBar({
  title,
  label,
  onSignOut,
  children,
}: {
  title: string;
  label: string;
  onSignOut(): void;
  children?: ReactNode;
}) {
  return (
    <header className="vs-bar">
      <h1 className="vs-title">{title}</h1>
      {children}
      <span className="vs-bar__who" data-testid="signed-in-as">
        Signed in as {label}
      </span>
      <Button size="small" onClick={onSignOut}>
        Sign out
      </Button>
    </header>
  );
}

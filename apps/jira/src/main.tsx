import './zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectJiraSidebar } from '@vouchsafe/host/jira';
import { SidebarRoot } from '@vouchsafe/ui';

// Thin on purpose: the adapter and API client come from packages/host, all UI from packages/ui.
// @forge/bridge is loaded lazily inside the adapter: importing it outside Forge throws, and that
// must become "host not ready", not a blank page.
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <SidebarRoot deskName="Jira" connect={() => connectJiraSidebar()} />
    </StrictMode>,
  );
}

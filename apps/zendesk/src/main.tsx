import './zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectZendeskSidebar } from '@vouchsafe/host/zendesk';
import { SidebarRoot } from '@vouchsafe/ui';

// Thin on purpose: the adapter and API client come from packages/host, all UI from packages/ui.
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <SidebarRoot deskName="Zendesk" connect={() => connectZendeskSidebar()} />
    </StrictMode>,
  );
}

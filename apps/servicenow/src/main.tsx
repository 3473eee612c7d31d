import './zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectServiceNowSidebar } from '@vouchsafe/host/servicenow';
import { SidebarRoot } from '@vouchsafe/ui';

// Thin on purpose: the adapter and API client come from packages/host, all UI from packages/ui.
// The adapter scrubs the token from the URL fragment as soon as the page starts.
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <SidebarRoot deskName="ServiceNow" connect={() => connectServiceNowSidebar()} />
    </StrictMode>,
  );
}

// First: before any zod schema (contracts) is built.
import '@vouchsafe/console/zod-csp';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './elements/App';
import '@vouchsafe/console/console.css';
import './admin.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

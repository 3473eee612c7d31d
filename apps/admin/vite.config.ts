import { operatorConsoleConfig } from '@vouchsafe/console/vite';

// Served by the API at /admin/ (services/api/src/modules/operators/operator-console.ts).
export default operatorConsoleConfig('/admin/');

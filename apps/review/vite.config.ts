import { operatorConsoleConfig } from '@vouchsafe/console/vite';

// Served by the API at /review/ (services/api/src/modules/operators/operator-console.ts).
export default operatorConsoleConfig('/review/');

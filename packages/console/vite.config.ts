import { operatorConsoleConfig } from './src/vite.mjs';

// packages/console is a library the consoles bundle; this config only drives its own specs.
export default operatorConsoleConfig('/console/');

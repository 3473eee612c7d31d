// Imported first by main.tsx: zod must be jitless before @vouchsafe/contracts builds its schemas (modules load in
// import order), or every load reports a CSP unsafe-eval violation. See packages/contracts/src/zod-browser.ts.
import { configureZodForBrowser } from '@vouchsafe/contracts/zod-browser';

configureZodForBrowser();

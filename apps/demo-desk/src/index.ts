// What e2e uses of the demo desk: the agent-page server (with the test-only `/__control` routes when asked) and the
// IdP stand-ins behind its phone page. `main.ts` is the `npm start` entry and is not exported.
export { startHostStandIns, type HostStandIns, type HostStandInsOptions } from './server';
export { startIdpStandIns, type IdpStandIns, type IdpStandInsOptions } from './idps';
export type { RegisteredTenant } from './register';

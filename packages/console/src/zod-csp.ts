import { z } from 'zod';

// zod 4 decides when each object schema is built whether it may compile a fast parser with `new Function`, probing
// for it once. Under the console's CSP (script-src 'self', no 'unsafe-eval') the probe is refused and reported as a
// CSP violation even though zod catches it. Without its JIT nothing is probed; main.tsx imports this module first,
// before any schema of @vouchsafe/contracts exists.
z.config({ jitless: true });

import { useCallback, useRef, useState } from 'react';
import type { ApiFailure, ApiResult } from './operator-client';

export type Loadable<T> =
  { status: 'idle' } | { status: 'loading' } | { status: 'ready'; value: T } | { status: 'failed'; failure: ApiFailure };

/**
 * One piece of server data: `run(call)` shows loading, then the answer of the LATEST call only (an older answer that
 * arrives late is dropped). A signed-out failure goes to `onSignedOut` (the page then asks to sign in again).
 */
export function useLoadable<T>(onSignedOut: () => void) {
  const [state, setState] = useState<Loadable<T>>({ status: 'idle' });
  const latest = useRef(0);
  const run = useCallback(
    async (call: () => Promise<ApiResult<T>>, keep?: (value: T) => T): Promise<void> => {
      const id = ++latest.current;
      if (!keep) setState({ status: 'loading' });
      const result = await call();
      if (id !== latest.current) return;
      if (!result.ok && result.failure.kind === 'signed-out') {
        onSignedOut();
        return;
      }
      setState(
        result.ok ? { status: 'ready', value: keep ? keep(result.value) : result.value } : { status: 'failed', failure: result.failure },
      );
    },
    [onSignedOut],
  );
  const reset = useCallback(() => {
    latest.current += 1;
    setState({ status: 'idle' });
  }, []);
  return { state, run, reset };
}

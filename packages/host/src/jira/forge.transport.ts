import { jsonRequestInit, readResponse, type Transport } from '../api/transport.types';
import { loadForgeBridge, type BridgeLoader } from './forge-bridge.types';

/**
 * Forge Remote, straight from the browser to the `remotes` entry (`requestRemote`). Forge adds the
 * Forge Invocation Token in Authorization; the Vouchsafe session travels in SESSION_HEADER. The
 * bridge does not support AbortSignal (it strips it and logs), so timeouts are the client's race.
 */
export function forgeTransport(remoteKey: string, loadBridge: BridgeLoader = loadForgeBridge): Transport {
  return async (request) => {
    const bridge = await loadBridge();
    const { headers, body } = jsonRequestInit(request);
    const response = await bridge.requestRemote(remoteKey, { path: request.path, method: request.method, headers, body });
    return readResponse(request, response);
  };
}

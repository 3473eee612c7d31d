import http from 'node:http';
import { sealSecret, toBase64Url } from '@vouchsafe/crypto';
import { TEST_API_TOKEN } from '@vouchsafe/test-support';

export interface SlowCreate {
  /** Sends the rest of the body and resolves with the answer (rejects if the connection is cut instead). */
  finish(): Promise<{ status: number; json: { id?: string; error?: { code: string } } }>;
}

/**
 * A request that is in flight for as long as the test wants: a 5 MiB file secret sent with `Expect: 100-continue`.
 * Resolves once the server has handed the request to the app ("100 Continue") and received the first MiB; the rest
 * goes out on `finish()`.
 */
export async function startSlowCreate(apiUrl: string, token = TEST_API_TOKEN): Promise<SlowCreate> {
  const sealed = await sealSecret({
    kind: 'file',
    name: 'statement.pdf',
    type: 'application/pdf',
    bytes: new Uint8Array(5 * 1024 * 1024).fill(7),
  });
  const body = Buffer.from(
    JSON.stringify({ kind: 'file', ciphertext: toBase64Url(sealed.ciphertext), keyCheck: toBase64Url(sealed.keyCheck) }),
  );
  const req = http.request(`${apiUrl}/api/v1/secrets`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': String(body.length),
      authorization: `Bearer ${token}`,
      expect: '100-continue',
    },
  });
  const response = new Promise<{ status: number; json: { id?: string; error?: { code: string } } }>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) as { id?: string } }));
      res.on('error', reject);
    });
  });
  response.catch(() => undefined); // awaited through finish(); an early failure must not be an unhandled rejection
  const accepted = new Promise<void>((resolve, reject) => {
    req.once('continue', () => resolve());
    req.once('error', reject);
  });
  req.flushHeaders();
  await accepted;
  await new Promise<void>((resolve) => req.write(body.subarray(0, 1024 * 1024), () => resolve()));
  return {
    finish() {
      req.end(body.subarray(1024 * 1024));
      return response;
    },
  };
}

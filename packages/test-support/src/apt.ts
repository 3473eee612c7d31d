import { spawn } from 'node:child_process';

/** `apt-get update && apt-get install -y --no-install-recommends PACKAGE`, output streamed so a slow install shows progress. */
export function aptInstall(pkg: string): Promise<void> {
  const script = `apt-get update && apt-get install -y --no-install-recommends ${pkg}`;
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${script} failed (exit ${code ?? signal})`));
    });
  });
}

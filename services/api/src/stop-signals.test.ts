import { describe, expect, it } from 'vitest';
import { COPY_WINDOW_MS, createStopCounter } from './stop-signals';

describe('createStopCounter', () => {
  it('drains on the first request, only reports the second, forces on the third', () => {
    let t = 1_000;
    const next = createStopCounter(() => t);
    const steps = [];
    for (let i = 0; i < 4; i++) {
      steps.push(next());
      t += COPY_WINDOW_MS + 1;
    }
    expect(steps).toEqual(['drain', 'repeat', 'force', 'force']);
  });

  it('counts the copy of a signal (terminal + start script) once', () => {
    let t = 0;
    const next = createStopCounter(() => t);
    expect(next()).toBe('drain');
    t += 5;
    expect(next()).toBe('copy');
    t += COPY_WINDOW_MS;
    expect(next()).toBe('repeat');
    t += 3;
    expect(next()).toBe('copy');
    t += COPY_WINDOW_MS;
    expect(next()).toBe('force');
  });
});

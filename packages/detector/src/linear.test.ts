import { describe, expect, it } from 'vitest';
import { adversarialInputs } from '../bench/adversarial';
import { detect } from './detect';

// Linear time, asserted without timing: 200 KB of each adversarial input takes milliseconds when the scan is linear
// and minutes when any pattern backtracks quadratically (200k² = 4·10¹⁰ steps). The bench times 1 MB of each.
describe('detect is linear on adversarial input', () => {
  for (const [name, text] of Object.entries(adversarialInputs(200_000))) {
    it(name, { timeout: 20_000 }, () => {
      expect(Array.isArray(detect(text))).toBe(true);
    });
  }
});

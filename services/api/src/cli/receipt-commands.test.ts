import { describe, expect, it } from 'vitest';
import type { ReceiptCheck } from '@vouchsafe/contracts';
import { describeReceipt, isReceiptBroken } from './receipt-commands';

const check: ReceiptCheck = {
  receipt: '0b7e0c1e-4f51-4a51-9b0c-2f4e3c1d2a10',
  event: {
    id: '0b7e0c1e-4f51-4a51-9b0c-2f4e3c1d2a10',
    type: 'secret.created',
    secretId: 's1',
    occurredAt: '2026-12-03T10:00:00.000Z',
    data: {},
    chainIndex: 7,
    prevHash: '00',
    hash: '11',
  },
  chain: { sealed: true, hashValid: true, index: 7, linksToCheckpoint: true },
  checkpoint: {
    tenantId: '00000000-0000-4000-8000-000000000001',
    chainIndex: 9,
    hash: '22',
    signedAt: '2026-12-03T10:01:00.000Z',
    kid: 'a1',
    jws: 'x',
  },
  checkpointValid: null,
  note: { status: 'matches' },
};

describe('audit receipt output', () => {
  it('reads as one line per part, saying what was not checked', () => {
    const lines = describeReceipt(check, 'acme');
    expect(lines[0]).toBe(`receipt     ${check.receipt} (tenant acme)`);
    expect(lines[2]).toBe('chain       index 7, hash recomputes: yes');
    expect(lines[3]).toContain('signature valid: not checked (no audit public key)');
    expect(lines[4]).toBe('note        matches');
  });

  it('is broken only on a proven problem, never on pending or unavailable', () => {
    expect(isReceiptBroken(check)).toBe(false);
    expect(isReceiptBroken({ ...check, note: { status: 'unavailable' } })).toBe(false);
    expect(isReceiptBroken({ ...check, note: { status: 'pending' } })).toBe(false);
    expect(isReceiptBroken({ ...check, note: { status: 'edited' } })).toBe(true);
    expect(isReceiptBroken({ ...check, note: { status: 'missing' } })).toBe(true);
    expect(isReceiptBroken({ ...check, chain: { ...check.chain, hashValid: false } })).toBe(true);
    expect(isReceiptBroken({ ...check, checkpointValid: false })).toBe(true);
  });
});

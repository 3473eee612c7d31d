import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { EXPIRY_PRESETS, SECRET_INPUT_MESSAGES } from '@vouchsafe/contracts';
import { messages } from '../messages';
import type { SecretDraft } from '../send/secret-draft';
import { renderThemed } from '../testing/render';
import { SendSecretForm } from './SendSecretForm';

function setup(onSend: (d: SecretDraft) => Promise<boolean> = async () => true) {
  const spy = vi.fn(onSend);
  const user = userEvent.setup();
  renderThemed(<SendSecretForm onSend={spy} />);
  return { onSend: spy, user };
}
const send = () => screen.getByRole('button', { name: messages.sendButton });

describe('SendSecretForm', () => {
  it('labels every control and defaults to text, 24 hours, 1 view, no passphrase', () => {
    setup();
    expect(screen.getByRole('form', { name: messages.sendFormName })).toBeTruthy();
    expect(screen.getByRole('group', { name: messages.kindLegend })).toBeTruthy();
    expect(screen.getByRole('radio', { name: messages.kindText })).toHaveProperty('checked', true);
    expect(screen.getByRole('textbox', { name: messages.textLabel })).toBeTruthy();
    const expiry = screen.getByRole<HTMLSelectElement>('combobox', { name: messages.expiryLabel });
    expect([...expiry.options].map((o) => o.textContent)).toEqual([...EXPIRY_PRESETS.map((p) => p.label), messages.expiryCustom]);
    expect(expiry.selectedOptions[0]?.textContent).toBe('24 hours');
    expect(screen.getByRole('spinbutton', { name: messages.viewsLabel })).toHaveProperty('value', '1');
    const passphrase = screen.getByLabelText(messages.passphraseLabel);
    expect(passphrase.getAttribute('type')).toBe('password');
    expect(screen.getByText(messages.passphraseHint)).toBeTruthy();
  });

  it('asks for text instead of sending nothing', async () => {
    const { onSend, user } = setup();
    await user.click(send());
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByText(messages.textMissing)).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: messages.textLabel }));
  });

  it('refuses a whitespace-only secret with a sentence, not a blank reveal (issue 16 item 9)', async () => {
    const { onSend, user } = setup();
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), '   {Enter}  ');
    expect(screen.queryByText(SECRET_INPUT_MESSAGES.textBlank)).toBeNull();
    await user.click(send());
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByText(SECRET_INPUT_MESSAGES.textBlank)).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: messages.textLabel }));
  });

  it('refuses text over 64 KiB as soon as it is typed, naming its size and the limit', async () => {
    const { onSend, user } = setup();
    fireEvent.change(screen.getByRole('textbox', { name: messages.textLabel }), { target: { value: 'x'.repeat(70 * 1024) } });
    expect(screen.getByText('This text is 70.0 KiB; the limit is 64.0 KiB. Send it as a file instead.')).toBeTruthy();
    await user.click(send());
    expect(onSend).not.toHaveBeenCalled();
  });

  it('refuses views outside 1 to 10', async () => {
    const { onSend, user } = setup();
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'abc');
    const views = screen.getByRole('spinbutton', { name: messages.viewsLabel });
    await user.clear(views);
    await user.type(views, '11');
    expect(screen.getByText(messages.viewsInvalid)).toBeTruthy();
    await user.click(send());
    expect(onSend).not.toHaveBeenCalled();
  });

  it('sends a chosen file with its name, type and bytes, showing name and size first', async () => {
    const { onSend, user } = setup();
    await user.click(screen.getByRole('radio', { name: messages.kindFile }));
    await user.click(send());
    expect(screen.getByText(messages.fileMissing)).toBeTruthy();
    const file = new File([new Uint8Array([1, 2, 3, 4])], 'keys.pdf', { type: 'application/pdf' });
    await user.upload(screen.getByLabelText(messages.fileLabel), file);
    expect(screen.getByText('keys.pdf (4 bytes)')).toBeTruthy();
    await user.selectOptions(screen.getByRole('combobox', { name: messages.expiryLabel }), '15 minutes');
    await user.click(send());
    expect(onSend).toHaveBeenCalledTimes(1);
    const draft = onSend.mock.calls[0]![0];
    expect(draft).toMatchObject({ ttlSeconds: 900, views: 1, passphrase: '' });
    expect(draft.payload).toEqual({ kind: 'file', name: 'keys.pdf', type: 'application/pdf', bytes: new Uint8Array([1, 2, 3, 4]) });
    expect(screen.queryByText('keys.pdf (4 bytes)')).toBeNull();
  });

  it('refuses an empty file as soon as it is chosen', async () => {
    const { onSend, user } = setup();
    await user.click(screen.getByRole('radio', { name: messages.kindFile }));
    await user.upload(screen.getByLabelText(messages.fileLabel), new File([], 'empty.txt'));
    expect(screen.getByText(SECRET_INPUT_MESSAGES.fileEmpty)).toBeTruthy();
    await user.click(send());
    expect(onSend).not.toHaveBeenCalled();
  });

  it('shows a clear message for a file over 10 MiB: its size and the limit, never the same number', async () => {
    const { onSend, user } = setup();
    await user.click(screen.getByRole('radio', { name: messages.kindFile }));
    const big = new File([new Uint8Array(11_000_000)], 'dump.bin');
    fireEvent.change(screen.getByLabelText(messages.fileLabel), { target: { files: [big] } });
    expect(screen.getByText('This file is 10.4 MiB; the limit is 10.0 MiB.')).toBeTruthy();
    expect(screen.getByLabelText(messages.fileLabel).getAttribute('aria-invalid')).toBe('true');
    await user.click(send());
    expect(onSend).not.toHaveBeenCalled();
  });

  it('refuses a passphrase shorter than the minimum (issue 16 item 18)', async () => {
    const { onSend, user } = setup();
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'hunter2');
    await user.type(screen.getByLabelText(messages.passphraseLabel), 'x');
    await user.click(send());
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByText(messages.passphraseTooShort)).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText(messages.passphraseLabel));
    await user.type(screen.getByLabelText(messages.passphraseLabel), 'xxxxxxx');
    await user.click(send());
    expect(onSend).toHaveBeenCalledTimes(1);
    expect(onSend.mock.calls[0]![0].passphrase).toBe('xxxxxxxx');
  });

  it('offers a custom expiry within the API limits (issue 16 item 12)', async () => {
    const { onSend, user } = setup();
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'hunter2');
    await user.selectOptions(screen.getByRole('combobox', { name: messages.expiryLabel }), messages.expiryCustom);
    const amount = screen.getByRole('spinbutton', { name: messages.expiryCustomAmount });
    const unit = screen.getByRole('combobox', { name: messages.expiryCustomUnit });
    await user.clear(amount);
    await user.type(amount, '31');
    expect(screen.getByText(SECRET_INPUT_MESSAGES.ttlTooLong)).toBeTruthy();
    await user.click(send());
    expect(onSend).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(amount);
    await user.clear(amount);
    await user.type(amount, '4');
    await user.selectOptions(unit, messages.expiryUnits.minutes);
    expect(screen.getByText(SECRET_INPUT_MESSAGES.ttlTooShort)).toBeTruthy();
    await user.clear(amount);
    await user.type(amount, '90');
    await user.click(send());
    expect(onSend).toHaveBeenCalledTimes(1);
    expect(onSend.mock.calls[0]![0].ttlSeconds).toBe(90 * 60);
  });

  it('shows progress while sending and keeps what was typed when the send fails', async () => {
    let finish: (ok: boolean) => void = () => undefined;
    const { user } = setup(() => new Promise<boolean>((r) => (finish = r)));
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'hunter2');
    await user.click(send());
    expect(send().getAttribute('aria-busy')).toBe('true');
    expect(screen.getByText(messages.sending)).toBeTruthy();
    finish(false);
    await screen.findByRole('button', { name: messages.sendButton, busy: false });
    expect(screen.getByRole('textbox', { name: messages.textLabel })).toHaveProperty('value', 'hunter2');
  });

  it('is operable from the keyboard alone', async () => {
    const { onSend, user } = setup();
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('radio', { name: messages.kindText }));
    await user.tab();
    await user.keyboard('s3cret');
    await user.tab();
    await user.tab();
    await user.tab();
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('checkbox', { name: messages.verifyOnlyRequester }));
    await user.keyboard(' ');
    await user.tab();
    expect(document.activeElement).toBe(send());
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledTimes(1);
    expect(onSend.mock.calls[0]![0].payload).toEqual({ kind: 'text', text: 's3cret' });
    expect(onSend.mock.calls[0]![0].requiresVerification).toBe(true);
  });

  it('offers "only the requester may open", off by default, and forgets it after a send', async () => {
    const { onSend, user } = setup();
    const box = screen.getByRole('checkbox', { name: messages.verifyOnlyRequester });
    expect(box).toHaveProperty('checked', false);
    expect(screen.getByText(messages.verifyOnlyRequesterHint)).toBeTruthy();
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'abc');
    await user.click(send());
    expect(onSend.mock.calls[0]![0].requiresVerification).toBe(false);
    await user.type(screen.getByRole('textbox', { name: messages.textLabel }), 'abc');
    await user.click(box);
    await user.click(send());
    expect(onSend.mock.calls[1]![0].requiresVerification).toBe(true);
    expect(screen.getByRole('checkbox', { name: messages.verifyOnlyRequester })).toHaveProperty('checked', false);
  });
});

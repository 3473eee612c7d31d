import { fireEvent, render, screen } from '@testing-library/react';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import { describe, expect, it, vi } from 'vitest';
import { RevealedFile } from './RevealedFile';

// jsdom's Blob has no arrayBuffer(); FileReader is the portable way to read it back.
function readBlob(blob: Blob): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsArrayBuffer(blob);
  });
}

describe('RevealedFile', () => {
  it('downloads a Blob with the original name, media type and bytes', async () => {
    const saveFile = vi.fn();
    const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
    render(
      <ThemeProvider theme={DEFAULT_THEME}>
        <RevealedFile name="id-card.png" type="image/png" bytes={bytes} saveFile={saveFile} />
      </ThemeProvider>,
    );
    expect(screen.getByText('id-card.png')).toBeTruthy();
    expect(screen.getByText('5 bytes')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    expect(saveFile).toHaveBeenCalledOnce();
    const [blob, name] = saveFile.mock.calls[0] as [Blob, string];
    expect(name).toBe('id-card.png');
    expect(blob.type).toBe('image/png');
    expect(Array.from(new Uint8Array(await readBlob(blob)))).toEqual([0, 1, 2, 250, 255]);
  });

  it('the default saver clicks a temporary download link', () => {
    const createObjectURL = vi.fn(() => 'blob:fake');
    const revokeObjectURL = vi.fn();
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL }));
    const clicked: HTMLAnchorElement[] = [];
    const spy = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    render(
      <ThemeProvider theme={DEFAULT_THEME}>
        <RevealedFile name="a.txt" type="" bytes={new Uint8Array([65])} />
      </ThemeProvider>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.download).toBe('a.txt');
    expect(clicked[0]!.href).toBe('blob:fake');
    expect(document.querySelector('a[download]')).toBeNull();
    spy.mockRestore();
    vi.unstubAllGlobals();
  });
});

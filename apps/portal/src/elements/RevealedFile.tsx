import { Button } from '@zendeskgarden/react-buttons';
import { Well } from '@zendeskgarden/react-notifications';
import { formatBytes } from '../format';

export interface RevealedFileProps {
  name: string;
  type: string;
  bytes: Uint8Array;
  /** Injected for tests; defaults to a Blob URL and a temporary download link. */
  saveFile?: (blob: Blob, name: string) => void;
}

export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  anchor.rel = 'noopener';
  anchor.style.display = 'none';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // Revoke later: some browsers start reading the blob only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function RevealedFile({ name, type, bytes, saveFile = downloadBlob }: RevealedFileProps) {
  const fileName = name.trim() === '' ? 'secret-file' : name;
  const download = () => {
    // Copy into a fresh ArrayBuffer so the Blob never aliases a buffer that is reused elsewhere.
    saveFile(new Blob([new Uint8Array(bytes)], { type: type || 'application/octet-stream' }), fileName);
  };
  return (
    <div className="vs-revealed">
      <Well role="group" aria-label="File details">
        <dl className="vs-summary">
          <dt>Name</dt>
          <dd className="vs-break">{fileName}</dd>
          <dt>Size</dt>
          <dd>{formatBytes(bytes.length)}</dd>
          {type !== '' && (
            <>
              <dt>Type</dt>
              <dd className="vs-break">{type}</dd>
            </>
          )}
        </dl>
      </Well>
      <div className="vs-actions">
        <Button isPrimary onClick={download}>
          Download
        </Button>
      </div>
    </div>
  );
}

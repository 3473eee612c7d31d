import { useEffect, useMemo, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Progress } from '@zendeskgarden/react-loaders';
import { LG, Paragraph, XXL } from '@zendeskgarden/react-typography';
import { DOCUMENT_PRESET_LABELS, formatBytes, sniffDocumentType, type PublicDocumentRequest } from '@vouchsafe/contracts';
import { UploadError, createDocumentClient, type DocumentClient } from '../upload/document-upload';
import { StateNotice } from './StateNotice';

/**
 * The customer's upload page (`/d/{id}`, issue 11): who is asking, what is asked, pick or photograph files, each
 * checked by content (magic bytes, not the name), encrypted here and uploaded in chunks with a progress bar.
 */

export interface UploadPageProps {
  requestId: string;
  tenant?: string;
  client?: DocumentClient;
}

interface Item {
  key: string;
  label: string;
  sizeBytes: number;
  sent: number;
  total: number;
  state: 'uploading' | 'done' | 'failed' | 'refused';
  message?: string;
}

type Page = { kind: 'loading' } | { kind: 'gone' } | { kind: 'ready'; meta: PublicDocumentRequest } | { kind: 'finished' };

const MESSAGES: Record<UploadError['kind'], string> = {
  closed: 'This request no longer accepts uploads (it is complete, withdrawn or expired).',
  gone: 'This request does not exist or is no longer available.',
  rejected: 'The file was refused. Check its type and size and try again.',
  unreachable: 'The connection dropped and did not come back. Try again in a moment.',
};

export function UploadPage({ requestId, tenant, client }: UploadPageProps) {
  const api = useMemo(() => client ?? createDocumentClient(requestId, tenant ? { tenant } : {}), [client, requestId, tenant]);
  const [page, setPage] = useState<Page>({ kind: 'loading' });
  const [items, setItems] = useState<Item[]>([]);
  const [isFinishing, setFinishing] = useState(false);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    api.metadata().then(
      (meta) => setPage({ kind: 'ready', meta }),
      () => setPage({ kind: 'gone' }),
    );
  }, [api]);

  const update = (key: string, patch: Partial<Item>) => setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...patch } : x)));

  async function add(meta: PublicDocumentRequest, files: FileList | null) {
    for (const file of Array.from(files ?? [])) {
      const key = `${file.name}-${file.size}-${Math.random()}`;
      const bytes = new Uint8Array(await file.arrayBuffer());
      const type = sniffDocumentType(bytes.subarray(0, 16));
      const base: Item = { key, label: file.name, sizeBytes: file.size, sent: 0, total: 1, state: 'uploading' };
      if (!type || !meta.allowedTypes.includes(type)) {
        setItems((xs) => [...xs, { ...base, state: 'refused', message: 'This is not one of the accepted file types (by its content).' }]);
        continue;
      }
      if (file.size > meta.maxFileBytes) {
        setItems((xs) => [...xs, { ...base, state: 'refused', message: `Files can be at most ${formatBytes(meta.maxFileBytes)}.` }]);
        continue;
      }
      setItems((xs) => [...xs, base]);
      try {
        await api.upload({ bytes, name: file.name, mediaType: type }, (sent, total) => update(key, { sent, total }));
        update(key, { state: 'done' });
      } catch (err) {
        update(key, { state: 'failed', message: MESSAGES[err instanceof UploadError ? err.kind : 'unreachable'] });
      }
    }
  }

  async function finish() {
    setFinishing(true);
    try {
      await api.finish();
      setPage({ kind: 'finished' });
    } catch (err) {
      setError(MESSAGES[err instanceof UploadError ? err.kind : 'unreachable']);
    } finally {
      setFinishing(false);
    }
  }

  if (page.kind === 'loading') return <main className="vs-page" aria-busy="true" data-state="loading" />;
  if (page.kind === 'gone') {
    return (
      <main className="vs-page" data-state="gone">
        <XXL tag="h1">Document request</XXL>
        <StateNotice type="warning">{MESSAGES.gone}</StateNotice>
      </main>
    );
  }
  if (page.kind === 'finished') {
    return (
      <main className="vs-page" data-state="done">
        <XXL tag="h1">Thank you</XXL>
        <StateNotice type="success" title="Sent">
          Your documents were sent securely. The bank deletes them once they have been reviewed. You can close this page.
        </StateNotice>
      </main>
    );
  }
  const { meta } = page;
  const asked = [...meta.presets.map((p) => DOCUMENT_PRESET_LABELS[p])];
  const done = items.filter((i) => i.state === 'done').length;
  const isOpen = meta.status === 'open';
  return (
    <main className="vs-page" data-state={isOpen ? 'open' : meta.status}>
      <XXL tag="h1">Documents for {meta.bankName}</XXL>
      <Paragraph>
        {meta.agentFirstName || 'Your support agent'} asks for documents for ticket {meta.ticketRef}.
      </Paragraph>
      {!isOpen ? (
        <StateNotice type="info">
          {meta.status === 'fulfilled' ? 'This request is already complete.' : 'This request has expired or was withdrawn.'} It no longer
          accepts uploads.
        </StateNotice>
      ) : (
        <>
          <LG tag="h2">What is needed</LG>
          <ul>
            {asked.map((a) => (
              <li key={a}>{a}</li>
            ))}
            {meta.note && <li>{meta.note}</li>}
          </ul>
          <Paragraph>
            Up to {meta.maxFiles} files ({meta.allowedTypes.map((t) => t.split('/')[1]!.toUpperCase()).join(', ')}, at most{' '}
            {formatBytes(meta.maxFileBytes)} each). Files are encrypted on this device before they are sent.
          </Paragraph>
          <label className="vs-file">
            <span>Choose files or take a photo</span>
            <input
              type="file"
              multiple
              accept={meta.allowedTypes.join(',')}
              disabled={items.length >= meta.maxFiles}
              onChange={(e) => void add(meta, e.currentTarget.files)}
            />
          </label>
          <ul aria-label="Files" className="vs-files">
            {items.map((i) => (
              <li key={i.key} data-state={i.state}>
                <span>
                  {i.label} ({formatBytes(i.sizeBytes)})
                </span>
                {i.state === 'uploading' || i.state === 'done' ? (
                  <Progress value={Math.round((i.sent / Math.max(1, i.total)) * 100)} aria-label={`${i.label} upload`} />
                ) : null}
                {i.state === 'done' && <span> uploaded</span>}
                {i.message && <StateNotice type="error">{i.message}</StateNotice>}
              </li>
            ))}
          </ul>
          {error && <StateNotice type="error">{error}</StateNotice>}
          <Button
            isPrimary
            disabled={done === 0 || isFinishing || items.some((i) => i.state === 'uploading')}
            onClick={() => void finish()}
          >
            Send {done === 1 ? '1 file' : `${done} files`}
          </Button>
        </>
      )}
    </main>
  );
}

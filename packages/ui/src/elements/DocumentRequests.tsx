import { useCallback, useEffect, useRef, useState } from 'react';
import { DOCUMENT_PRESET_LABELS, type DocumentRequestView, type SidebarApi, type SidebarHost } from '@vouchsafe/contracts';
import { isCryptoError } from '@vouchsafe/crypto';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { LG, SM } from '@zendeskgarden/react-typography';
import { POLL_INTERVAL_MS } from '../activity/use-activity';
import { documentMessages as m } from '../documents/document-messages';
import { openDocuments, requestDocuments, type OpenedFile, type RequestedDocuments } from '../documents/document-request';
import { formatBytes, formatExpiry } from '../format';
import * as styles from '../styles';
import { CopyLink } from './CopyLink';
import { DocumentRequestForm } from './DocumentRequestForm';

export interface DocumentRequestsProps {
  api: SidebarApi;
  host: SidebarHost;
  onError: (err: unknown) => void;
  /** Background refreshes fail quietly (as the secrets list does); defaults to onError. */
  onPollError?: (err: unknown) => void;
  pollIntervalMs?: number;
}

const isReviewable = (r: DocumentRequestView): boolean => r.status === 'open' || r.status === 'fulfilled';
const whatOf = (r: DocumentRequestView): string =>
  [...r.presets.map((p) => DOCUMENT_PRESET_LABELS[p]), ...(r.note !== null ? ['other'] : [])].join(', ');

/**
 * Issue 11, the sidebar half of document requests: request form, this ticket's requests (polled like the secrets
 * list), in-place viewer and review. Review keys live in this component's memory only (documents NOTES.md).
 */
export function DocumentRequests({ api, host, onError, onPollError = onError, pollIntervalMs = POLL_INTERVAL_MS }: DocumentRequestsProps) {
  const [requests, setRequests] = useState<DocumentRequestView[] | undefined>(undefined);
  const [made, setMade] = useState<RequestedDocuments | undefined>(undefined);
  // Review keys by request id: memory only, never storage, never the API. A reload forgets them.
  const [keys, setKeys] = useState<ReadonlyMap<string, string>>(new Map());
  const isMounted = useRef(true);
  const errorRef = useRef(onPollError);
  errorRef.current = onPollError;

  const refresh = useCallback(async (): Promise<void> => {
    try {
      const list = await api.listDocumentRequests();
      if (isMounted.current) setRequests(list.requests);
    } catch (err) {
      if (isMounted.current) errorRef.current(err);
    }
  }, [api]);

  useEffect(() => {
    isMounted.current = true;
    void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') void refresh();
    }, pollIntervalMs);
    return () => {
      isMounted.current = false;
      clearInterval(timer);
    };
  }, [refresh, pollIntervalMs]);

  const request = async (draft: Parameters<typeof requestDocuments>[2]): Promise<boolean> => {
    setMade(undefined);
    try {
      const done = await requestDocuments(api, host, draft);
      setKeys((k) => new Map(k).set(done.id, done.reviewKey));
      setMade(done);
      void refresh();
      return true;
    } catch (err) {
      onError(err);
      return false;
    }
  };

  const close = async (r: DocumentRequestView, action: () => Promise<void>): Promise<void> => {
    try {
      await action();
      setKeys((k) => {
        const next = new Map(k);
        next.delete(r.id);
        return next;
      });
    } catch (err) {
      onError(err);
    }
    await refresh();
  };

  return (
    <section style={styles.section} aria-labelledby="vouchsafe-documents-heading">
      <LG tag="h2" id="vouchsafe-documents-heading" isBold>
        {m.heading}
      </LG>
      {requests?.length === 0 && <SM style={styles.muted}>{m.noRequests}</SM>}
      <ul style={styles.plainList} aria-label={m.heading}>
        {requests?.map((r) => (
          <DocumentRequestItem
            key={r.id}
            request={r}
            api={api}
            reviewKey={keys.get(r.id)}
            onKey={(key) =>
              setKeys((k) => {
                const next = new Map(k);
                if (key === undefined) next.delete(r.id);
                else next.set(r.id, key);
                return next;
              })
            }
            onError={onError}
            onReview={(outcome, reason) =>
              close(r, () => api.reviewDocumentRequest(r.id, reason === undefined ? { outcome } : { outcome, reason }))
            }
            onRevoke={() => close(r, () => api.revokeDocumentRequest(r.id))}
          />
        ))}
      </ul>
      <LG tag="h3" isBold style={styles.section}>
        {m.requestHeading}
      </LG>
      <div role="status">
        {made && (
          <div style={styles.confirmation}>
            {made.delivery === 'inserted' ? <SM>{m.inserted}</SM> : <SM>{m.copyInstead}</SM>}
            {made.delivery !== 'inserted' && <CopyLink link={made.link} isLinkShown fieldLabel={m.linkLabel} buttonText={m.copyLink} />}
            <SM style={styles.muted}>{m.reviewKeyHelp}</SM>
            <CopyLink link={made.reviewKey} fieldLabel={m.reviewKeyLabel} buttonText={m.copyReviewKey} />
          </div>
        )}
      </div>
      <DocumentRequestForm onRequest={request} />
    </section>
  );
}

interface ItemProps {
  request: DocumentRequestView;
  api: SidebarApi;
  reviewKey: string | undefined;
  /** A key typed by the agent, or undefined to forget one that does not open the request. */
  onKey: (key: string | undefined) => void;
  onError: (err: unknown) => void;
  onReview: (outcome: 'accepted' | 'rejected', reason?: string) => Promise<void>;
  onRevoke: () => Promise<void>;
}

function DocumentRequestItem({ request: r, api, reviewKey, onKey, onError, onReview, onRevoke }: ItemProps) {
  const [opened, setOpened] = useState<OpenedFile[] | undefined>(undefined);
  const [keyIssue, setKeyIssue] = useState<string | undefined>(undefined);
  const [typedKey, setTypedKey] = useState('');
  const [reason, setReason] = useState('');
  const [reasonIssue, setReasonIssue] = useState<string | undefined>(undefined);
  const [isBusy, setIsBusy] = useState(false);
  const complete = r.files.filter((f) => f.status === 'complete');
  const uploading = r.files.filter((f) => f.status === 'uploading').length;
  const canReview = isReviewable(r);

  // Decrypt the names once the key is here and whenever another file completes.
  useEffect(() => {
    if (!canReview || reviewKey === undefined || complete.length === 0) return;
    let isCurrent = true;
    openDocuments(api, r.id, reviewKey).then(
      (files) => {
        if (isCurrent) setOpened(files);
      },
      (err: unknown) => {
        if (!isCurrent) return;
        // A key that does not open the sealed private key (or is not even base64url) is forgotten; anything else is
        // the API's trouble and keeps the key.
        if (isCryptoError(err)) {
          setKeyIssue(m.wrongKey);
          onKey(undefined);
        } else onError(err);
      },
    );
    return () => {
      isCurrent = false;
    };
    // onKey/onError are fresh closures on every render of the list: the effect depends only on what it decrypts.
  }, [api, r.id, reviewKey, canReview, complete.length]);

  const review = async (outcome: 'accepted' | 'rejected'): Promise<void> => {
    if (outcome === 'rejected' && reason.trim() === '') {
      setReasonIssue(m.reasonNeeded);
      return;
    }
    setIsBusy(true);
    await onReview(outcome, outcome === 'rejected' ? reason.trim() : undefined);
    setIsBusy(false);
    setOpened(undefined);
  };

  const statusText = r.status === 'reviewed' && r.outcome !== null ? m.reviewedOutcome(r.outcome) : m.status[r.status];
  return (
    <li style={styles.listItem} aria-label={m.requestTitle(whatOf(r))}>
      <SM isBold>{m.requestTitle(whatOf(r))}</SM>
      <SM>
        <span data-testid="document-status">{statusText}</span> · {complete.length}/{r.maxFiles} files · expires {formatExpiry(r.expiresAt)}
      </SM>
      {canReview && uploading > 0 && <SM role="status">{m.uploadingFiles(uploading)}</SM>}
      {canReview && complete.length > 0 && reviewKey === undefined && (
        <form
          style={styles.column}
          onSubmit={(e) => {
            e.preventDefault();
            setKeyIssue(undefined);
            onKey(typedKey.trim());
          }}
        >
          <SM style={styles.muted}>{m.noKey}</SM>
          <Field>
            <Field.Label>{m.enterReviewKey}</Field.Label>
            <Input isCompact autoComplete="off" spellCheck={false} value={typedKey} onChange={(e) => setTypedKey(e.target.value)} />
          </Field>
          <div style={styles.row}>
            <Button size="small" type="submit">
              {m.openWithKey}
            </Button>
          </div>
        </form>
      )}
      {keyIssue && (
        <SM role="alert" style={styles.danger}>
          {keyIssue}
        </SM>
      )}
      {canReview && opened && (
        <ul style={styles.plainList} aria-label={m.filesHeading}>
          {opened.map((f) => (
            <DocumentFileItem key={f.id} file={f} receivedAt={r.files.find((x) => x.id === f.id)?.receivedAt ?? null} />
          ))}
        </ul>
      )}
      {canReview && (
        <div style={styles.column}>
          {complete.length > 0 && reviewKey !== undefined && (
            <>
              <Field>
                <Field.Label>{m.reasonLabel}</Field.Label>
                <Input
                  isCompact
                  value={reason}
                  maxLength={200}
                  disabled={isBusy}
                  validation={reasonIssue ? 'error' : undefined}
                  onChange={(e) => {
                    setReason(e.target.value);
                    setReasonIssue(undefined);
                  }}
                />
                {reasonIssue && <Field.Message validation="error">{reasonIssue}</Field.Message>}
              </Field>
              <div style={styles.row}>
                <Button size="small" isPrimary disabled={isBusy} onClick={() => void review('accepted')}>
                  {m.accept}
                </Button>
                <Button size="small" isDanger disabled={isBusy} onClick={() => void review('rejected')}>
                  {m.reject}
                </Button>
              </div>
            </>
          )}
          <div style={styles.row}>
            <Button size="small" isBasic isDanger disabled={isBusy} onClick={() => void onRevoke()}>
              {m.revoke}
            </Button>
          </div>
        </div>
      )}
    </li>
  );
}

function DocumentFileItem({ file, receivedAt }: { file: OpenedFile; receivedAt: string | null }) {
  const [view, setView] = useState<{ state: 'closed' } | { state: 'loading' } | { state: 'shown'; url?: string } | { state: 'failed' }>({
    state: 'closed',
  });
  const url = view.state === 'shown' ? view.url : undefined;
  // The decrypted bytes live in a blob: URL only while shown; closing or leaving revokes it.
  useEffect(
    () => () => {
      if (url !== undefined) URL.revokeObjectURL(url);
    },
    [url],
  );

  const show = async (): Promise<void> => {
    if (file.mediaType === 'application/pdf') {
      setView({ state: 'shown' });
      return;
    }
    setView({ state: 'loading' });
    try {
      const bytes = await file.load();
      setView({ state: 'shown', url: URL.createObjectURL(new Blob([bytes.slice().buffer], { type: file.mediaType })) });
    } catch {
      setView({ state: 'failed' });
    }
  };

  return (
    <li style={styles.listItem}>
      <SM isBold style={styles.wrapAnywhere}>
        {file.name}
      </SM>
      <SM style={styles.muted}>
        {m.fileLine(m.typeLabel[file.mediaType], formatBytes(file.sizeBytes), receivedAt === null ? '' : formatExpiry(receivedAt))}
      </SM>
      <div style={styles.row}>
        {view.state === 'closed' || view.state === 'failed' ? (
          <Button size="small" aria-label={m.view(file.name)} onClick={() => void show()}>
            {m.viewButton}
          </Button>
        ) : (
          <Button size="small" onClick={() => setView({ state: 'closed' })}>
            {m.hide}
          </Button>
        )}
      </div>
      {view.state === 'loading' && <SM role="status">{m.decrypting}</SM>}
      {view.state === 'failed' && (
        <SM role="alert" style={styles.danger}>
          {m.decryptFailed}
        </SM>
      )}
      {view.state === 'shown' && url === undefined && <SM role="status">{m.pdfNoPreview}</SM>}
      {url !== undefined && (
        <img
          src={url}
          alt={file.name}
          draggable={false}
          onContextMenu={(e) => e.preventDefault()}
          style={{ maxWidth: '100%', height: 'auto' }}
        />
      )}
    </li>
  );
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Select } from '@zendeskgarden/react-forms';
import { Dots } from '@zendeskgarden/react-loaders';
import type { OperatorMe, ReviewSearchResult, ReviewTenant, ReviewTimeline } from '@vouchsafe/contracts';
import { ConsoleBar, failureText, Notice, useLoadable } from '@vouchsafe/console';
import type { ReviewApi, SearchInput } from '../api/review-api';
import { entriesToCsv } from '../csv';
import { EntryTable } from './EntryTable';
import { SearchForm } from './SearchForm';

export interface ConsoleProps {
  api: ReviewApi;
  me: OperatorMe;
  onSignOut(): void;
  onSignedOut(): void;
  download(fileName: string, csv: string): void;
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 60);

/** The signed-in console: tenant, search, results, and one ticket's timeline with each note's receipt check. */
export function Console({ api, me, onSignOut, onSignedOut, download }: ConsoleProps) {
  const tenants = useLoadable<ReviewTenant[]>(onSignedOut);
  const results = useLoadable<ReviewSearchResult & { query: SearchInput }>(onSignedOut);
  const timeline = useLoadable<ReviewTimeline>(onSignedOut);
  const [tenant, setTenant] = useState('');
  const timelineHeading = useRef<HTMLHeadingElement>(null);
  const { run: runTenants } = tenants;

  useEffect(() => {
    void runTenants(async () => {
      const answer = await api.tenants();
      // One tenant: nothing to pick.
      if (answer.ok && answer.value.length === 1) setTenant(answer.value[0]!.slug);
      return answer;
    });
  }, [api, runTenants]);

  useEffect(() => {
    if (timeline.state.status === 'ready') timelineHeading.current?.focus();
  }, [timeline.state.status]);

  const chooseTenant = (slug: string) => {
    setTenant(slug);
    results.reset();
    timeline.reset();
  };

  const search = useCallback(
    (query: SearchInput) => {
      timeline.reset();
      void results.run(async () => {
        const answer = await api.search(tenant, query);
        return answer.ok ? { ok: true, value: { ...answer.value, query } } : answer;
      });
    },
    [api, tenant, results, timeline],
  );

  const loadMore = () => {
    if (results.state.status !== 'ready' || results.state.value.nextCursor === null) return;
    const { query, nextCursor, items } = results.state.value;
    void results.run(
      async () => {
        const answer = await api.search(tenant, { ...query, cursor: nextCursor });
        return answer.ok ? { ok: true, value: { ...answer.value, query } } : answer;
      },
      (next) => ({ ...next, items: [...items, ...next.items] }),
    );
  };

  const openTicket = (ticketId: string) => void timeline.run(() => api.timeline(tenant, ticketId));

  return (
    <div className="vs-console">
      <ConsoleBar title="Vouchsafe review" label={me.label} onSignOut={onSignOut} />

      <main className="vs-main">
        <section aria-label="Help-desk account" className="vs-section">
          {tenants.state.status === 'loading' && <Dots aria-label="Loading tenants" />}
          {tenants.state.status === 'failed' && <Notice type="error">{failureText(tenants.state.failure)}</Notice>}
          {tenants.state.status === 'ready' &&
            (tenants.state.value.length === 0 ? (
              <Notice type="info">There are no tenants you may review.</Notice>
            ) : (
              <Field>
                <Field.Label>Tenant</Field.Label>
                <Select value={tenant} onChange={(e) => chooseTenant(e.target.value)} data-testid="tenant-picker">
                  <option value="">Choose a help-desk account…</option>
                  {tenants.state.value.map((t) => (
                    <option key={t.slug} value={t.slug}>
                      {t.name} ({t.desk})
                    </option>
                  ))}
                </Select>
              </Field>
            ))}
        </section>

        {tenant !== '' && (
          <section aria-label="Search" className="vs-section">
            <SearchForm isBusy={results.state.status === 'loading'} onSearch={search} />
          </section>
        )}

        <div role="status" aria-live="polite" className="vs-live">
          {results.state.status === 'loading' && <Dots aria-label="Searching" />}
          {results.state.status === 'failed' && <Notice type="error">{failureText(results.state.failure)}</Notice>}
          {results.state.status === 'ready' && results.state.value.items.length === 0 && (
            <Notice type="info">No events match this search.</Notice>
          )}
          {timeline.state.status === 'loading' && <Dots aria-label="Loading the ticket’s timeline" />}
          {timeline.state.status === 'failed' && <Notice type="error">{failureText(timeline.state.failure)}</Notice>}
        </div>

        {timeline.state.status === 'ready' ? (
          <section aria-labelledby="vs-timeline-heading" className="vs-section" data-testid="timeline">
            <div className="vs-section__head">
              <h2 id="vs-timeline-heading" tabIndex={-1} ref={timelineHeading}>
                Ticket {timeline.state.value.ticketId}: timeline
              </h2>
              <Button size="small" onClick={() => timeline.reset()}>
                Back to results
              </Button>
              <Button
                size="small"
                onClick={() => {
                  if (timeline.state.status !== 'ready') return;
                  const { ticketId, entries } = timeline.state.value;
                  download(`vouchsafe-${safeName(tenant)}-ticket-${safeName(ticketId)}.csv`, entriesToCsv(entries));
                }}
              >
                Export CSV
              </Button>
            </div>
            <EntryTable
              caption="Verifications, overrides and secrets on this ticket, oldest first"
              entries={timeline.state.value.entries}
              hasReceipts
            />
          </section>
        ) : (
          results.state.status === 'ready' &&
          results.state.value.items.length > 0 && (
            <section aria-labelledby="vs-results-heading" className="vs-section" data-testid="results">
              <div className="vs-section__head">
                <h2 id="vs-results-heading">Results</h2>
                <Button
                  size="small"
                  onClick={() => {
                    if (results.state.status !== 'ready') return;
                    download(`vouchsafe-${safeName(tenant)}-search.csv`, entriesToCsv(results.state.value.items));
                  }}
                >
                  Export CSV
                </Button>
              </div>
              <EntryTable
                caption={`${results.state.value.items.length} events, newest first. Choose a ticket to see its timeline.`}
                entries={results.state.value.items}
                onOpenTicket={openTicket}
              />
              {results.state.value.nextCursor !== null && <Button onClick={loadMore}>Load more</Button>}
            </section>
          )
        )}
      </main>
    </div>
  );
}

import { useState, type FormEvent } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input, Select } from '@zendeskgarden/react-forms';
import { REVIEW_FLAGS, type ReviewFlag } from '@vouchsafe/contracts';
import type { SearchInput } from '../api/review-api';
import { FLAG_LABELS, dayBoundary } from '../format';

/** Event actions a reviewer picks from (the `outcome` filter matches the action after the event type's dot). */
const OUTCOMES: ReadonlyArray<[string, string]> = [
  ['succeeded', 'Verified'],
  ['denied', 'Denied (possible fraud)'],
  ['failed', 'Failed'],
  ['timed_out', 'Timed out'],
  ['cancelled', 'Cancelled'],
  ['override_requested', 'Override requested'],
  ['override_approved', 'Override approved'],
  ['created', 'Secret sent'],
  ['revealed', 'Secret viewed'],
  ['reveal_failed', 'Failed reveal'],
  ['revoked', 'Secret revoked'],
  ['expired', 'Secret expired'],
];

export interface SearchFormProps {
  isBusy: boolean;
  onSearch(query: SearchInput): void;
}

/** Search by ticket, agent, date range and outcome, with the override / possible-fraud filter. Enter submits. */
export function SearchForm({ isBusy, onSearch }: SearchFormProps) {
  const [ticket, setTicket] = useState('');
  const [agent, setAgent] = useState('');
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const [outcome, setOutcome] = useState('');
  const [flag, setFlag] = useState<'' | ReviewFlag>('');

  function submit(event: FormEvent) {
    event.preventDefault();
    const query: SearchInput = {};
    if (ticket.trim()) query.ticket = ticket.trim();
    if (agent.trim()) query.agent = agent.trim();
    const since = dayBoundary(from, 'start');
    const to = dayBoundary(until, 'end');
    if (since) query.from = since;
    if (to) query.until = to;
    if (outcome) query.outcome = outcome;
    if (flag) query.flag = flag;
    onSearch(query);
  }

  return (
    <form className="vs-search" onSubmit={submit} aria-label="Search the audit trail" role="search">
      <Field>
        <Field.Label>Ticket</Field.Label>
        <Input value={ticket} onChange={(e) => setTicket(e.target.value)} maxLength={128} data-testid="search-ticket" />
      </Field>
      <Field>
        <Field.Label>Agent</Field.Label>
        <Input value={agent} onChange={(e) => setAgent(e.target.value)} maxLength={200} data-testid="search-agent" />
      </Field>
      <Field>
        <Field.Label>From</Field.Label>
        <Input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="search-from" />
      </Field>
      <Field>
        <Field.Label>Until</Field.Label>
        <Input type="date" value={until} onChange={(e) => setUntil(e.target.value)} data-testid="search-until" />
      </Field>
      <Field>
        <Field.Label>Outcome</Field.Label>
        <Select value={outcome} onChange={(e) => setOutcome(e.target.value)} data-testid="search-outcome">
          <option value="">Any outcome</option>
          {OUTCOMES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
      </Field>
      <Field>
        <Field.Label>Show only</Field.Label>
        <Select value={flag} onChange={(e) => setFlag(e.target.value as '' | ReviewFlag)} data-testid="search-flag">
          <option value="">Everything</option>
          {REVIEW_FLAGS.map((f) => (
            <option key={f} value={f}>
              {FLAG_LABELS[f]}
            </option>
          ))}
        </Select>
      </Field>
      <div className="vs-search__actions">
        <Button type="submit" isPrimary disabled={isBusy}>
          Search
        </Button>
      </div>
    </form>
  );
}

import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { messages } from '../messages';
import { CONTEXT } from '../testing/fake-sidebar';
import { renderThemed } from '../testing/render';
import { TicketSummary } from './TicketSummary';

describe('TicketSummary', () => {
  it('pairs each label with the server-provided value', () => {
    renderThemed(<TicketSummary context={CONTEXT} />);
    const group = screen.getByRole('group', { name: messages.ticketContext });
    const terms = within(group)
      .getAllByRole('term')
      .map((t) => t.textContent);
    const values = within(group)
      .getAllByRole('definition')
      .map((d) => d.textContent);
    expect(terms).toEqual([messages.ticketLabel, messages.requesterLabel, messages.agentLabel]);
    expect(values).toEqual(['#42', 'j***@e***.com', 'Jane Doe']);
  });
});

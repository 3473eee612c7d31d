import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import { fakeAdminApi, TENANT } from '../testing/fake-admin-api';
import { BrandingSection, contrastProblem } from './BrandingSection';

/** Issue 14: the tenant's branding in /admin. */
describe('BrandingSection', () => {
  it('refuses a colour white text cannot be read on before sending; saves the rest and says so', async () => {
    const setBranding = vi.fn(fakeAdminApi().setBranding);
    render(
      <ThemeProvider theme={DEFAULT_THEME}>
        <BrandingSection api={fakeAdminApi({ setBranding })} csrf="csrf" slug={TENANT.slug} onSignedOut={() => undefined} />
      </ThemeProvider>,
    );
    const form = await screen.findByRole('form', { name: 'Branding' });
    fireEvent.change(within(form).getByLabelText('Bank name customers see'), { target: { value: 'Acme Bank' } });
    fireEvent.change(within(form).getByLabelText(/Brand colour/), { target: { value: '#7fb2e5' } });
    await act(async () => fireEvent.click(within(form).getByRole('button', { name: 'Save branding' })));
    expect(setBranding).not.toHaveBeenCalled();
    expect(within(form).getByText(/Contrast with white is 2\.\d:1/)).toBeTruthy();

    fireEvent.change(within(form).getByLabelText(/Brand colour/), { target: { value: '#0b5394' } });
    await act(async () => fireEvent.click(within(form).getByRole('button', { name: 'Save branding' })));
    expect(setBranding).toHaveBeenCalledWith('csrf', TENANT.slug, {
      displayName: 'Acme Bank',
      brandColor: '#0b5394',
      supportPhone: null,
      supportUrl: null,
      linkDomain: null,
    });
    expect(screen.getByRole('status').textContent).toContain('Branding saved');
  });

  it('contrastProblem passes dark colours and names the ratio of light ones', () => {
    expect(contrastProblem('#0b5394')).toBeUndefined();
    expect(contrastProblem('#ffff00')).toMatch(/1\.1:1/);
  });
});

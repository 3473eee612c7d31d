import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { messages } from '../messages';
import { renderThemed } from '../testing/render';
import { StateNotice } from './StateNotice';

describe('StateNotice', () => {
  it('announces loading politely and failures as alerts', () => {
    const { unmount } = renderThemed(<StateNotice text="Loading" isLoading />);
    expect(screen.getByRole('status').textContent).toBe('Loading');
    unmount();
    renderThemed(<StateNotice text="Broken" />);
    expect(screen.getByRole('alert').textContent).toBe('Broken');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('offers Retry only when retrying can help', () => {
    const onRetry = vi.fn();
    renderThemed(<StateNotice text={messages.unreachable} onRetry={onRetry} />);
    fireEvent.click(screen.getByRole('button', { name: messages.retry }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });
});

import type { ApiFailure } from './operator-client';

/** One sentence for a failed call (a signed-out failure is handled by the page: it shows the sign-in). */
export function failureText(failure: ApiFailure): string {
  switch (failure.kind) {
    case 'signed-out':
      return 'Your sign-in has ended. Sign in again.';
    case 'forbidden':
    case 'not-found':
    case 'invalid':
    case 'conflict':
      return failure.message || 'The server refused this request.';
    case 'unavailable':
      return 'Vouchsafe could not be reached. Try again in a moment.';
    case 'unexpected':
      return `Something went wrong on the server (status ${failure.status}). Try again.`;
  }
}

/** One dispatched Server-Sent Event (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface SseEvent {
  /** `message` when the server named none. */
  event: string;
  /** The data lines joined with "\n". */
  data: string;
  /** The last `id:` seen on this stream, '' when none. */
  lastEventId: string;
}

export interface SseParser {
  /** Feed decoded text in whatever pieces the network delivered. */
  push(text: string): void;
}

/**
 * The event-stream grammar, incrementally: lines end in CRLF, LF or CR (a CR at the end of a chunk
 * may be the first half of a CRLF split across chunks); `:` lines are comments (pings); a blank
 * line dispatches; an event with no data lines is not dispatched; one space after the colon is
 * dropped. `retry:` is ignored: reconnection timing is the client's own backoff.
 */
export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  let buffer = '';
  let isAfterCr = false;
  let eventName = '';
  let dataLines: string[] = [];
  let lastEventId = '';

  const line = (text: string): void => {
    if (text === '') {
      if (dataLines.length > 0) onEvent({ event: eventName || 'message', data: dataLines.join('\n'), lastEventId });
      eventName = '';
      dataLines = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventName = value;
    else if (field === 'data') dataLines.push(value);
    else if (field === 'id' && !value.includes('\0')) lastEventId = value;
  };

  return {
    push(text: string): void {
      let start = 0;
      for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch === '\n' && isAfterCr && i === start && buffer === '') {
          // The LF of a CRLF whose CR ended the previous piece.
          start = i + 1;
          isAfterCr = false;
          continue;
        }
        isAfterCr = false;
        if (ch === '\r' || ch === '\n') {
          line(buffer + text.slice(start, i));
          buffer = '';
          if (ch === '\r') {
            if (text[i + 1] === '\n') i++;
            else if (i + 1 === text.length) isAfterCr = true;
          }
          start = i + 1;
        }
      }
      buffer += text.slice(start);
    },
  };
}

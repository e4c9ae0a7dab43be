// Error classes that decide what happens to a message or request: permanent (record, don't retry) or transient (retry).

/** Bad input that no retry can fix: record it and acknowledge the message. */
export class PermanentError extends Error {
  override readonly name: string = 'PermanentError';
  constructor(
    message: string,
    /** Machine-readable reason, safe to log (never patient data). */
    readonly reason: string,
  ) {
    super(message);
  }
}

/** A failure a later retry can succeed at (a version race, throttling): let the queue redeliver. */
export class TransientError extends Error {
  override readonly name: string = 'TransientError';
}

/** What an append expects the stream to be: its exact version (0 = it must not exist yet) or anything. */
export type ExpectedVersion = number | 'any';

/**
 * Someone appended to the stream since the caller read it. Nothing was written. The caller
 * reloads and decides again (retry), or tells its own caller (HTTP 409) — never overwrites.
 */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  readonly code = 'WRONG_EXPECTED_VERSION';
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly actual: number;

  constructor(streamId: string, expected: ExpectedVersion, actual: number) {
    super(`stream ${streamId} is at version ${actual}, the append expected ${expected}`);
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }
}

/** An append the store refuses before touching the database; `field` names what was wrong. */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
  readonly code = 'INVALID_APPEND';
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`${field} ${problem}`);
    this.field = field;
  }
}

/** An event id already stored in another stream or at another place: ids are unique store-wide. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  readonly code = 'DUPLICATE_EVENT_ID';
  readonly streamId: string;

  constructor(streamId: string, detail: string) {
    super(`append to ${streamId} repeats an event id stored elsewhere: ${detail}`);
    this.streamId = streamId;
  }
}

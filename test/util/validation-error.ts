import { KestraValidationError } from '../../lib/common';

/** Runs `action` and returns the KestraValidationError it throws; fails the test if it throws nothing or something else. */
export function validationErrorOf(action: () => unknown): KestraValidationError {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(KestraValidationError);
    return e as KestraValidationError;
  }
  throw new Error('expected a KestraValidationError, nothing was thrown');
}

import { KestraValidationError } from '../common/errors';

// The grammar of java.time.Duration.parse, which Kestra uses for K/V TTLs and DURATION values:
// days, hours, minutes and (fractional) seconds only. Years, months and weeks are calendar
// periods that Duration rejects, so they are rejected here too.
const ISO_DURATION = '^[-+]?P(?:[-+]?[0-9]+D)?(?:T(?:[-+]?[0-9]+H)?(?:[-+]?[0-9]+M)?(?:[-+]?[0-9]+(?:[.,][0-9]{0,9})?S)?)?$';

/**
 * Checks an ISO-8601 duration as Kestra parses it (`java.time.Duration`), e.g. `PT30M`, `P7D`, `PT1H30M`, `PT0.5S`.
 * Returns the value unchanged.
 */
export function validateIsoDuration(field: string, value: unknown): string {
  const reason = 'must be an ISO-8601 duration of days, hours, minutes and seconds, e.g. "PT30M", "P7D", "P1DT12H" (years, months and weeks are not accepted)';
  if (typeof value !== 'string') throw new KestraValidationError(field, value, reason);
  const upper = value.toUpperCase();
  const hasComponent = /[DHMS]$/.test(upper);
  const danglingT = upper.endsWith('T');
  if (!hasComponent || danglingT || !new RegExp(ISO_DURATION).test(upper)) {
    throw new KestraValidationError(field, value, reason);
  }
  return value;
}

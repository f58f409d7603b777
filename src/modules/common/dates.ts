/** A day written as ISO 8601 writes it, "YYYY-MM-DD" (whether it is on the calendar is `isCalendarDay`'s). */
export const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Whether "YYYY-MM-DD" names a day on the calendar: a day that does not exist ("2021-02-30") parses as
 * another day, so it must read back as itself.
 */
export function isCalendarDay(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

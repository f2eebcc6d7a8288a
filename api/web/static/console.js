// console.js — small helpers shared by the clerk console and the staff pages.

// The API stores UTC; a timestamp without a zone designator is UTC, not the browser's local time.
export function asUtc(iso) {
  return iso && /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso) ? `${iso}Z` : iso;
}

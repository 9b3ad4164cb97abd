/** Thrown by routes for a 404 that is not a model (e.g. an unknown run or schedule). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

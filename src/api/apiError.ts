// An error a route answers with its own status and message.
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 422 | 429 | 503,
    message: string,
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}

// Errors the routes map to statuses: NotFoundError is a 404 (uv reads 404 as "not on this
// index" and moves on; a 5xx would fail the install), BadRequestError a 400, anything else a 5xx.

export class NotFoundError extends Error {}

export class BadRequestError extends Error {}

/** The download failed verification or was cut short; nothing reached the store. */
export class IntegrityError extends Error {}

/**
 * The store could not take a download (disk full, quota, I/O error) and the bytes no longer fit
 * in memory: the client's answer is cut off, nothing is committed.
 */
export class StoreFullError extends Error {}

/** A file body past its bound (the index's size, else --max-file-size); never stored. */
export class FileTooLargeError extends IntegrityError {}

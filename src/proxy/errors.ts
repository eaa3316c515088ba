// Errors the routes map to statuses: NotFoundError is a 404 (uv reads 404 as "not on this
// index" and moves on; a 5xx would fail the install), BadRequestError a 400, anything else a 5xx.

export class NotFoundError extends Error {}

export class BadRequestError extends Error {}

/** The download failed verification or was cut short; nothing reached the store. */
export class IntegrityError extends Error {}

/** A file body past its bound (the index's size, else --max-file-size); never stored. */
export class FileTooLargeError extends IntegrityError {}

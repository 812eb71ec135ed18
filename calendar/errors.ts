/** Domain errors. The API maps each to an HTTP status in one place (`api/errors.ts`). */
export class DomainError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A named thing (experiment, plan, metric) does not exist. */
export class NotFoundError extends DomainError {
  constructor(entity: string, id: string | number, options?: { cause?: unknown }) {
    super('not_found', `${entity} '${id}' was not found`, options);
  }
}

/** The request is well-formed but breaks a domain rule (e.g. duplicate key). */
export class ConflictError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('conflict', message, options);
  }
}

/** Input that passed the schema but is invalid for the domain. */
export class InvalidInputError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_input', message, options);
  }
}

/**
 * The HTTP status of a domain error, the one mapping the API (`api/errors.ts`) and the UI's
 * form actions both use: not_found 404, conflict 409, invalid_input 422, forbidden 403, else 400.
 * @example httpStatusOf(new InvalidInputError('weeks must be 1-13')) // 422
 */
export function httpStatusOf(err: DomainError): 400 | 403 | 404 | 409 | 422 {
  return domainStatus[err.code] ?? 400;
}

const domainStatus: Record<string, 403 | 404 | 409 | 422> = {
  not_found: 404, conflict: 409, invalid_input: 422, forbidden: 403
};

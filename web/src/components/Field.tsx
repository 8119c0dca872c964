import { useId, type ReactNode } from 'react';
import { ApiError } from '../api';

/** A labelled form row; `error` is shown under the control in red, `hint` in grey. */
export function Field({
  label,
  hint,
  error,
  children,
  name,
  htmlFor,
  className,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  children: ReactNode | ((id: string) => ReactNode);
  /** The API field path this row stands for; rendered as data-field for tests and styling. */
  name?: string;
  htmlFor?: string;
  className?: string;
}) {
  const autoId = useId();
  const id = htmlFor ?? autoId;
  return (
    <div className={`field ${error ? 'has-error' : ''} ${className ?? ''}`} data-field={name}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {typeof children === 'function' ? children(id) : children}
      {error ? (
        <div className="field-error" role="alert" data-error-for={name}>
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint">{hint}</div>
      ) : null}
    </div>
  );
}

/** The submit button of an `inline-form`, aligned with the fields' controls (an empty label above it). */
export function InlineSubmit({ disabled, children }: { disabled: boolean; children: ReactNode }) {
  return (
    <div className="field">
      <span className="field-label">&nbsp;</span>
      <button type="submit" className="btn btn-primary" disabled={disabled}>
        {children}
      </button>
    </div>
  );
}

/** A form-wide error line (nothing when there is no message). */
export function FormError({ children, testId, className }: { children: ReactNode; testId?: string; className?: string }) {
  if (!children) return null;
  return (
    <div className={className ? `form-error ${className}` : 'form-error'} role="alert" data-testid={testId}>
      {children}
    </div>
  );
}

/**
 * The server's messages start with the field path ("slug: must be …"); next to the field itself
 * that prefix is noise, so it is dropped there (the banner keeps the full text).
 */
function fieldMessage(err: ApiError): string {
  const prefix = `${err.field}: `;
  if (err.field && err.message.startsWith(prefix)) {
    const rest = err.message.slice(prefix.length).trim();
    if (rest) return rest.charAt(0).toUpperCase() + rest.slice(1);
  }
  return err.message;
}

/** The error message that belongs to exactly this API field path. */
export function errorFor(err: unknown, field: string): string | null {
  if (!(err instanceof ApiError) || !err.field) return null;
  if (err.field === field) return fieldMessage(err);
  return null;
}

/** The error that belongs to a field or any nested path below it (e.g. "regions" for "regions.3"). */
export function errorUnder(err: unknown, field: string): string | null {
  if (!(err instanceof ApiError) || !err.field) return null;
  if (err.field === field || err.field.startsWith(field + '.')) return fieldMessage(err);
  return null;
}

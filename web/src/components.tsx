// Small pieces the screens share: the tenant picker, a message line, a field with its API error, a scrollable table.
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { ApiError } from './api.js';

export const TenantPicker = ({ tenants, value, onChange, id = 'tenant' }: { tenants: readonly string[]; value: string; onChange: (tenant: string) => void; id?: string }) =>
  tenants.length < 2 ? null : (
    <div class="field inline">
      <label for={id}>Practice</label>
      <select id={id} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {tenants.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </div>
  );

/** Why something failed, in words: the API's detail when it gave one. */
export const messageOf = (error: unknown): string =>
  error instanceof ApiError ? (error.status === 403 ? 'Your role cannot do this.' : error.status === 404 ? 'Not found (or not one of your practices).' : error.message) : (error as Error).message;

export const Status = ({ error, info }: { error?: string | undefined; info?: string | undefined }) => (
  <>
    <p class="error" role="alert" hidden={!error}>
      {error}
    </p>
    <p class="info" role="status">
      {info}
    </p>
  </>
);

/** A labelled control whose error (from the API's problem+json, by field name) sits under it, tied by aria-describedby. */
export const Field = ({ id, label, error, hint, children }: { id: string; label: string; error?: string | undefined; hint?: string; children: (a11y: { id: string; 'aria-invalid'?: 'true'; 'aria-describedby'?: string }) => ComponentChildren }) => {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children({ id, ...(error ? { 'aria-invalid': 'true' as const } : {}), ...(described ? { 'aria-describedby': described } : {}) })}
      {hint && (
        <span id={`${id}-hint`} class="hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} class="field-error">
          {error}
        </span>
      )}
    </div>
  );
};

/** A table that scrolls sideways on a narrow screen, reachable by keyboard. */
export const TableWrap = ({ label, children }: { label: string; children: ComponentChildren }) => (
  <div class="table-wrap" tabIndex={0} role="region" aria-label={label}>
    {children}
  </div>
);

/** Whether a key press is typing into a control (so single-key shortcuts leave it alone). */
export const isTyping = (event: KeyboardEvent): boolean => {
  const target = event.target as HTMLElement | null;
  return !!target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) ;
};

/** The `n` key takes the next claim (no modifier, not while typing in a field), while `enabled`. */
export const useNextKey = (takeNext: () => Promise<void> | void, enabled = true): void => {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'n' && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event)) {
        event.preventDefault();
        void takeNext();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, takeNext]);
};

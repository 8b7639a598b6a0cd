/** Shared small components. */
import type { ReactNode } from 'react';

export function Card({ label, value, title }: { label: string; value: ReactNode; title?: string }) {
  return (
    <div className="card" title={title}>
      <div className="card-label">{label}</div>
      <div className="card-value">{value}</div>
    </div>
  );
}

export function ErrorNote({ error }: { error: string | undefined }) {
  if (error === undefined) return null;
  return (
    <p className="error" role="alert">
      {error}
    </p>
  );
}

export function Loading({ when }: { when: boolean }) {
  return when ? <p className="muted">Loading…</p> : null;
}

/** A labelled text input in a `form-grid` (label and input are the grid's two cells). */
export function TextField({
  id,
  label,
  testId,
  value,
  onValue,
  inputMode,
  placeholder,
  spellCheck,
  autoComplete,
}: {
  id: string;
  label: string;
  testId?: string;
  value: string;
  onValue: (value: string) => void;
  inputMode?: 'text' | 'numeric' | 'decimal';
  placeholder?: string;
  spellCheck?: boolean;
  autoComplete?: string;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={testId}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        inputMode={inputMode}
        placeholder={placeholder}
        spellCheck={spellCheck}
        autoComplete={autoComplete}
      />
    </>
  );
}

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

import { createContext, useContext } from 'react';
import type { Session } from '../api/types';

/** The logged-in user, for pages that adapt to its role. */
export const SessionContext = createContext<Session | null>(null);

/**
 * Whether the user may change things: read-only users see no controls that change anything (the
 * API refuses them with 403 anyway).
 */
export function useCanChange(): boolean {
  return useContext(SessionContext)?.role !== 'read_only';
}

export function useSession(): Session | null {
  return useContext(SessionContext);
}

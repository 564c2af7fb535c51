import type { LocalCall, LocalCallContext, LocalPlanEnd } from '../../voicemail/local-call.js';
import type { CallDeps } from '../call-deps.js';
import type { PlanEnd } from '../plan/plan-executor.js';
import type { Disposition } from '../records/call-record-builder.js';

/** A plan end that a local application answers (the same as the auto attendant's LocalPlanEnd). */
export type LocalAppEnd = LocalPlanEnd;

/** Why no application took the party (not configured in this process). */
export interface LocalAppMissing {
  readonly status: 480;
  readonly reason: string;
  readonly disposition: Disposition;
  readonly cause: string;
}

export function isLocalAppEnd(end: PlanEnd): end is LocalAppEnd {
  return end.kind === 'voicemail' || end.kind === 'conference' || end.kind === 'menu';
}

/** The record's name for what answered (`voicemail:201`, `conference:800`, `menu:main`). */
export function localAppLabel(end: LocalAppEnd): string {
  switch (end.kind) {
    case 'voicemail':
      return `voicemail:${end.mailbox}`;
    case 'conference':
      return `conference:${end.room}`;
    case 'menu':
      return `menu:${end.menu}`;
  }
}

/**
 * The one place a plan's local end starts its application (VOICEMAIL_APPS, CONFERENCE_APPS,
 * MENU_APPS): for a new call's caller and for a party moved in from a call alike (`ctx.party`).
 */
export function startLocalApp(
  deps: Pick<CallDeps, 'voicemail' | 'conference' | 'menus'>,
  end: LocalAppEnd,
  ctx: LocalCallContext,
): LocalCall | LocalAppMissing {
  switch (end.kind) {
    case 'voicemail':
      return deps.voicemail
        ? deps.voicemail.deposit(ctx, end.mailbox)
        : missing('Voicemail Not Available', 'no_answer', `voicemail ${end.mailbox} unavailable`);
    case 'conference':
      return deps.conference
        ? deps.conference.join(ctx, end.room)
        : missing('Conference Not Available', 'failed', `conference ${end.room} unavailable`);
    case 'menu':
      return deps.menus
        ? deps.menus.run(ctx, end.menu)
        : missing('Menu Not Available', 'failed', `menu ${end.menu} unavailable`);
  }
}

export function isMissing(app: LocalCall | LocalAppMissing): app is LocalAppMissing {
  return 'status' in app;
}

function missing(reason: string, disposition: Disposition, cause: string): LocalAppMissing {
  return { status: 480, reason, disposition, cause };
}

/** Where an IVR key (or its timeout/invalid input) sends the caller: the plugin SDK's RouteDestination. */
export type MenuDestination =
  | { kind: 'extension' | 'ring_group' | 'menu' | 'voicemail'; target: string }
  | { kind: 'trunk'; trunk: string; target: string }
  | { kind: 'hangup' };

/** An auto-attendant menu (`/api/ivr-menus`). */
export interface IvrMenu {
  id: string;
  number: string | null;
  name: string;
  enabled: boolean;
  options: { digit: string; destination: MenuDestination }[];
  directDial: boolean;
  interDigitTimeoutMs: number;
  responseTimeoutMs: number;
  timeoutDestination: MenuDestination | null;
  invalidDestination: MenuDestination | null;
  repeatCount: number;
  hasGreeting: boolean;
  createdAt: string;
  updatedAt: string;
}

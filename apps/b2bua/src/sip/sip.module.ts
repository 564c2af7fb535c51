import { Module } from '@nestjs/common';
import { SystemClock } from '@switchboard/transactions';
import { CallTraceService } from '../calls/trace/call-trace.service.js';
import { CallTraceRepository } from '../repositories/call-trace.repository.js';
import { METRICS, type ProcessMetrics } from '@switchboard/metrics';
import { OverloadControlService } from '../security/overload-control.service.js';
import { SecurityMetrics } from '../security/security-metrics.js';
import { exportSecurityMetrics } from '../security/security-metrics-exporter.js';
import { SECURITY_METRICS, SIP_CLOCK } from '../tokens.js';
import { OptionsHandler } from './options.handler.js';
import { SipAuthService } from './sip-auth.service.js';
import { SipStackService } from './sip-stack.service.js';

/**
 * The SIP foundation of the signalling role: import it to get `SipStackService` (register
 * handlers, send requests/responses) and `SipAuthService` (digest). Needs CONFIG/LOGGER and
 * REDIS/PRISMA from the global ConfigModule and InfrastructureModule.
 */
@Module({
  providers: [
    { provide: SIP_CLOCK, useValue: new SystemClock() },
    {
      provide: SECURITY_METRICS,
      // Counted here, exported as Prometheus counters of the process registry (/metrics).
      useFactory: (metrics: ProcessMetrics) => {
        const security = new SecurityMetrics();
        exportSecurityMetrics(security, metrics);
        return security;
      },
      inject: [METRICS],
    },
    CallTraceRepository,
    CallTraceService,
    OverloadControlService,
    SipStackService,
    SipAuthService,
    OptionsHandler,
  ],
  exports: [
    SIP_CLOCK,
    SECURITY_METRICS,
    CallTraceService,
    OverloadControlService,
    SipStackService,
    SipAuthService,
  ],
})
export class SipModule {}

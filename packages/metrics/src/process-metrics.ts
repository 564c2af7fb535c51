import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type Metric,
} from 'prom-client';

/** The process roles that expose metrics; every series carries it as the `role` label. */
export type ProcessRole = 'signalling' | 'worker' | 'admin';

/** Every Switchboard metric name starts with this (Prometheus naming: `<namespace>_<what>_<unit>`). */
export const METRIC_PREFIX = 'switchboard_';

type Config<T extends string, C> = Omit<C, 'registers' | 'name'> & {
  name: string;
  labelNames?: readonly T[];
};

/**
 * One Prometheus registry per process (never prom-client's global one, so two roles in one test
 * process do not mix). Modules ask it for their metrics by name: asking twice for the same name
 * returns the same metric, so a module instantiated again (tests, hot reload) does not throw.
 */
export class ProcessMetrics {
  readonly registry = new Registry();

  constructor(readonly role: ProcessRole) {
    this.registry.setDefaultLabels({ role });
    // Event-loop lag, CPU, memory, GC and handles (prom-client's process and Node.js collectors).
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
  }

  counter<T extends string>(config: Config<T, CounterConfiguration<T>>): Counter<T> {
    return this.existing<Counter<T>>(config.name, Counter) ?? new Counter<T>(this.withRegistry(config));
  }

  gauge<T extends string>(config: Config<T, GaugeConfiguration<T>>): Gauge<T> {
    return this.existing<Gauge<T>>(config.name, Gauge) ?? new Gauge<T>(this.withRegistry(config));
  }

  histogram<T extends string>(config: Config<T, HistogramConfiguration<T>>): Histogram<T> {
    return this.existing<Histogram<T>>(config.name, Histogram) ?? new Histogram<T>(this.withRegistry(config));
  }

  /** The exposition text (Prometheus text format 0.0.4) and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private withRegistry<C extends { name: string }>(config: C): C & { registers: Registry[] } {
    if (!config.name.startsWith(METRIC_PREFIX)) {
      throw new Error(`metric ${config.name} must start with ${METRIC_PREFIX}`);
    }
    return { ...config, registers: [this.registry] };
  }

  private existing<M>(name: string, kind: abstract new (...args: never[]) => Metric): M | undefined {
    const found = this.registry.getSingleMetric(name);
    if (found === undefined) return undefined;
    if (!(found instanceof kind)) throw new Error(`metric ${name} is already registered as another type`);
    return found as M;
  }
}

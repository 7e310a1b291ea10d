/** Upper bounds of the duration buckets, in seconds (Prometheus' `le`). */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const BOUNDS_MS = DURATION_BUCKETS.map((s) => s * 1000);
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** One route's answers of one status class: a count per bucket (not cumulative), their sum and count. */
class Times {
  readonly buckets = new Float64Array(BOUNDS_MS.length + 1);
  sumMs = 0;
  count = 0;
}

/**
 * A route's request durations: the route is its method and path pattern as registered
 * (`/api/users/:userId`), never a request's URL, so nothing a client puts in a path becomes a label.
 */
export class RouteTimes {
  private readonly byClass: Array<Times | undefined> = [undefined, undefined, undefined, undefined, undefined];

  constructor(
    readonly method: string,
    readonly route: string,
  ) {}

  /** A counted answer: a few comparisons and additions, no allocation after a class's first answer. */
  observe(statusCode: number, elapsedMs: number): void {
    const index = Math.min(Math.max(Math.trunc(statusCode / 100) - 1, 0), 4);
    const times = (this.byClass[index] ??= new Times());
    let bucket = 0;
    while (bucket < BOUNDS_MS.length && elapsedMs > BOUNDS_MS[bucket]!) bucket++;
    times.buckets[bucket]!++;
    times.sumMs += elapsedMs;
    times.count++;
  }

  /** The Prometheus samples: cumulative buckets, `+Inf`, sum (seconds) and count, per status class answered. */
  samples(name: string): Sample[] {
    const samples: Sample[] = [];
    this.byClass.forEach((times, index) => {
      if (!times) return;
      const labels = { method: this.method, route: this.route, status_class: STATUS_CLASSES[index]! };
      let cumulative = 0;
      DURATION_BUCKETS.forEach((le, bucket) => {
        cumulative += times.buckets[bucket]!;
        samples.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative });
      });
      samples.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: times.count });
      samples.push({ metricName: `${name}_sum`, labels, value: times.sumMs / 1000 });
      samples.push({ metricName: `${name}_count`, labels, value: times.count });
    });
    return samples;
  }
}

interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * Request durations per route as a Prometheus histogram. prom-client's `Histogram` builds a label
 * key per observation; this keeps a bucket array per route, taken at registration, so a request
 * costs a few additions (docs/performance.md). The registry reads it like any prom-client metric.
 */
export class RouteDurations {
  readonly name = 'keygate_http_request_duration_seconds';
  readonly help = 'Time from a request arriving to its answer sent, per route pattern and status class';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly routes = new Map<string, RouteTimes>();
  /** Requests that matched no route (404s), all under one label. */
  readonly unmatched = this.route('(any)', '(unmatched)');

  /** The times of a route, made once when the route is registered. */
  route(method: string, route: string): RouteTimes {
    const id = `${method} ${route}`;
    let times = this.routes.get(id);
    if (!times) this.routes.set(id, (times = new RouteTimes(method, route)));
    return times;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: Sample[] } {
    const values = [...this.routes.values()].flatMap((times) => times.samples(this.name));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

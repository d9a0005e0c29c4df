import { histogramBuckets, metricNames } from '../../../src/telemetry/metrics';
import { dashboardQueries, metricsIn } from '../../support/dashboard';

const registered = new Set<string>(Object.values(metricNames));
const histograms = new Set(Object.keys(histogramBuckets));

/** A histogram is read through its `_bucket`, `_count` or `_sum` series; a counter or gauge by its own name. */
function seriesExists(name: string): boolean {
  const histogram = /^(.*)_(bucket|count|sum)$/.exec(name);
  if (histogram && histograms.has(histogram[1])) return true;
  return registered.has(name) && !histograms.has(name);
}

describe('the Grafana dashboard', () => {
  const queries = dashboardQueries();

  it('has panels for jobs, children, Azure calls and the SDK worker', () => {
    const read = new Set(queries.flatMap(({ expr }) => metricsIn(expr)));
    for (const name of [metricNames.jobs, metricNames.childrenCompleted, `${metricNames.azureRequestDuration}_bucket`, 'temporal_worker_task_slots_available', 'temporal_num_pollers']) {
      expect(read).toContain(name);
    }
  });

  it('reads in every expression only series the worker registers', () => {
    for (const { panel, expr } of queries) {
      const names = metricsIn(expr);
      expect(names.length).toBeGreaterThan(0);
      const unknown = names.filter((name) => name.startsWith('remote_batch_') && !seriesExists(name));
      expect({ panel, unknown }).toEqual({ panel, unknown: [] });
    }
  });
});

import fs from 'node:fs';
import path from 'node:path';

export const dashboardFile = path.join(__dirname, '..', '..', 'deploy', 'grafana', 'remote-batch.json');

interface Panel {
  title: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

/** Every PromQL expression of the shipped Grafana dashboard, with its panel's title. */
export function dashboardQueries(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(fs.readFileSync(dashboardFile, 'utf8')) as { panels: Panel[] };
  const all = (panels: Panel[]): Panel[] => panels.flatMap((panel) => [panel, ...all(panel.panels ?? [])]);
  return all(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
}

/** The metric names an expression reads (ours and the SDK's), as written in it. */
export function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(remote_batch_\w+|temporal_\w+)/g)].map((match) => match[1]);
}

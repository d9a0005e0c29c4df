/**
 * The VM sizes the emulator accepts, with the vCPUs Batch counts against the core quotas:
 * the common Linux sizes of Batch's supported families, plus the Cloud Services names
 * (`small` …) that older pools use. Names compare case-insensitively, as Batch compares them.
 */

/** Families whose size names carry their vCPU count: `{n}` in the pattern is the count. */
const FAMILIES: ReadonlyArray<readonly [pattern: string, vcpus: readonly number[]]> = [
  ['standard_a{n}_v2', [1, 2, 4, 8]],
  ['standard_a{n}m_v2', [2, 4, 8]],
  ['standard_d{n}_v3', [2, 4, 8, 16, 32, 48, 64]],
  ['standard_d{n}s_v3', [2, 4, 8, 16, 32, 48, 64]],
  ['standard_d{n}_v4', [2, 4, 8, 16, 32, 48, 64]],
  ['standard_d{n}s_v4', [2, 4, 8, 16, 32, 48, 64]],
  ['standard_d{n}d_v4', [2, 4, 8, 16, 32, 48, 64]],
  ['standard_d{n}ds_v4', [2, 4, 8, 16, 32, 48, 64]],
  ['standard_d{n}a_v4', [2, 4, 8, 16, 32, 48, 64, 96]],
  ['standard_d{n}as_v4', [2, 4, 8, 16, 32, 48, 64, 96]],
  ['standard_d{n}_v5', [2, 4, 8, 16, 32, 48, 64, 96]],
  ['standard_d{n}s_v5', [2, 4, 8, 16, 32, 48, 64, 96]],
  ['standard_d{n}d_v5', [2, 4, 8, 16, 32, 48, 64, 96]],
  ['standard_d{n}ds_v5', [2, 4, 8, 16, 32, 48, 64, 96]],
  ['standard_d{n}as_v5', [2, 4, 8, 16, 32, 48, 64, 96]],
  ['standard_d{n}ads_v5', [2, 4, 8, 16, 32, 48, 64, 96]],
  ['standard_e{n}_v3', [2, 4, 8, 16, 20, 32, 48, 64]],
  ['standard_e{n}s_v3', [2, 4, 8, 16, 20, 32, 48, 64]],
  ['standard_e{n}_v4', [2, 4, 8, 16, 20, 32, 48, 64]],
  ['standard_e{n}s_v4', [2, 4, 8, 16, 20, 32, 48, 64]],
  ['standard_e{n}ds_v4', [2, 4, 8, 16, 20, 32, 48, 64]],
  ['standard_e{n}_v5', [2, 4, 8, 16, 20, 32, 48, 64, 96]],
  ['standard_e{n}s_v5', [2, 4, 8, 16, 20, 32, 48, 64, 96]],
  ['standard_e{n}ds_v5', [2, 4, 8, 16, 20, 32, 48, 64, 96]],
  ['standard_e{n}as_v5', [2, 4, 8, 16, 20, 32, 48, 64, 96]],
  ['standard_f{n}', [1, 2, 4, 8, 16]],
  ['standard_f{n}s', [1, 2, 4, 8, 16]],
  ['standard_f{n}s_v2', [2, 4, 8, 16, 32, 48, 64, 72]],
];

/** Sizes whose names do not say their vCPU count. */
const IRREGULAR: Readonly<Record<string, number>> = {
  extrasmall: 1,
  small: 1,
  medium: 2,
  large: 4,
  extralarge: 8,
  standard_d1_v2: 1,
  standard_d2_v2: 2,
  standard_d3_v2: 4,
  standard_d4_v2: 8,
  standard_d5_v2: 16,
  standard_ds1_v2: 1,
  standard_ds2_v2: 2,
  standard_ds3_v2: 4,
  standard_ds4_v2: 8,
  standard_ds5_v2: 16,
  standard_d11_v2: 2,
  standard_d12_v2: 4,
  standard_d13_v2: 8,
  standard_d14_v2: 16,
  standard_nc6s_v3: 6,
  standard_nc12s_v3: 12,
  standard_nc24s_v3: 24,
  standard_nc24rs_v3: 24,
  standard_nc4as_t4_v3: 4,
  standard_nc8as_t4_v3: 8,
  standard_nc16as_t4_v3: 16,
  standard_nc64as_t4_v3: 64,
  standard_nc24ads_a100_v4: 24,
  standard_nc48ads_a100_v4: 48,
  standard_nc96ads_a100_v4: 96,
  standard_nd96asr_v4: 96,
  standard_nv6ads_a10_v5: 6,
  standard_nv12ads_a10_v5: 12,
  standard_nv18ads_a10_v5: 18,
  standard_nv36ads_a10_v5: 36,
  standard_hb120rs_v2: 120,
  standard_hb120rs_v3: 120,
  standard_hc44rs: 44,
};

const VCPUS_BY_SIZE: ReadonlyMap<string, number> = new Map([
  ...FAMILIES.flatMap(([pattern, counts]) => counts.map((n) => [pattern.replace('{n}', String(n)), n] as const)),
  ...Object.entries(IRREGULAR),
]);

/** vCPUs of a size Batch offers; undefined for a name it does not know. */
export function vcpusOf(vmSize: string): number | undefined {
  return VCPUS_BY_SIZE.get(vmSize.toLowerCase());
}

export function isKnownVmSize(vmSize: string): boolean {
  return VCPUS_BY_SIZE.has(vmSize.toLowerCase());
}

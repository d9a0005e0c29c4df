import { ErrorFactory } from '../errors/errorFactory';

/**
 * Every stable data-plane version from the one `@azure/batch` 10.2.0 sends onwards;
 * from 2025-06-01 the version string has no service-version suffix.
 */
export const SUPPORTED_API_VERSIONS = [
  '2022-10-01.16.0',
  '2023-05-01.17.0',
  '2023-11-01.18.0',
  '2024-02-01.19.0',
  '2024-07-01.20.0',
  '2025-06-01',
] as const;

export type ApiVersion = (typeof SUPPORTED_API_VERSIONS)[number];

export function checkApiVersion(value: string | null): ApiVersion {
  if (value === null || value === '') throw ErrorFactory.missingRequiredQueryParameter('api-version');
  const found = SUPPORTED_API_VERSIONS.find((v) => v === value);
  if (!found) throw ErrorFactory.unsupportedRequestVersion(value, SUPPORTED_API_VERSIONS);
  return found;
}

export const LATEST_API_VERSION: ApiVersion = SUPPORTED_API_VERSIONS[SUPPORTED_API_VERSIONS.length - 1];

/** Removes credentials from text that may reach logs or workflow history: SAS signatures, account keys, tokens. */
export function redactSecrets(text: string): string {
  return text
    .replace(/([?&]sig=)[^&\s"'<>]+/gi, '$1REDACTED')
    .replace(/(AccountKey=)[^;\s"']+/gi, '$1REDACTED')
    .replace(/(SharedKey [^:\s"']+:)[A-Za-z0-9+/=]+/g, '$1REDACTED')
    .replace(/(Bearer )[A-Za-z0-9._~+/=-]+/g, '$1REDACTED');
}

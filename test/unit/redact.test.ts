import { redactSecrets } from '../../src/activities/redact';

describe('secrets in error text', () => {
  it('removes SAS signatures, account keys, SharedKey signatures and bearer tokens, keeping the rest', () => {
    const text =
      'PUT http://127.0.0.1:10000/devstoreaccount1/job-x?sv=2023-01-03&sig=abc%2Fdef%3D&sp=cw failed; ' +
      'AccountKey=Eby8vdM02xNOcqFl==;BlobEndpoint=http://h; authorization: SharedKey localbatch:c2lnbmF0dXJl; Bearer eyJ0eXAi.abc-def';
    const redacted = redactSecrets(text);
    expect(redacted).not.toMatch(/abc%2Fdef|Eby8vdM02|c2lnbmF0dXJl|eyJ0eXAi/);
    expect(redacted).toContain('sig=REDACTED&sp=cw');
    expect(redacted).toContain('AccountKey=REDACTED;BlobEndpoint=http://h');
    expect(redacted).toContain('SharedKey localbatch:REDACTED');
  });
});

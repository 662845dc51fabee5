// The organisation's identity provider, for tests/suite/oidc.rs:
// oidc-provider with Sala and another client, and its development login
// form, which signs in any account of `accounts` (by its employee number,
// the stable `sub`) with any password. Groups come from the `groups` scope.
// Usage: node provider.mjs <port> <Sala's redirect URI>
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const redirect = process.argv[3];
const issuer = `http://127.0.0.1:${port}`;
const accounts = {
  'emp-0001': { sub: 'emp-0001', preferred_username: 'kanya', name: 'กัญญา ใฝ่รู้', email: 'kanya@example.org', email_verified: true },
  'emp-0002': { sub: 'emp-0002', preferred_username: 'somsri', name: 'สมศรี มีสุข', email: 'somsri@example.org', email_verified: true },
  // Groups as Keycloak writes them (paths), given by the `groups` scope.
  'emp-0003': { sub: 'emp-0003', preferred_username: 'prasert', name: 'ประเสริฐ รักงาน', email: 'prasert@example.org', email_verified: true, groups: ['/km-team', '/it-admins'] },
};
const client = (client_id) => ({
  client_id, client_secret: `${client_id}-secret`, redirect_uris: [redirect],
  response_types: ['code'], grant_types: ['authorization_code'],
});
const provider = new Provider(issuer, {
  clients: [client('sala'), client('other-app')],
  pkce: { required: () => true },
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'], groups: ['groups'] },
  cookies: { keys: ['test-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return claims; } };
  },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));
provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));

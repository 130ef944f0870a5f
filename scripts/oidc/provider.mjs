// The OpenID provider the browser tests sign in against ("Mit Dienstkonto anmelden"):
// the OpenID-certified `oidc-provider` (pinned in package-lock.json), configured with
// one confidential client and a few static accounts. Started by scripts/test.sh:
//
//   node scripts/oidc/provider.mjs --port PORT --redirect-uri URL
//
// Options (or environment):
//   --port          (OIDC_PORT)            port on 127.0.0.1; the issuer is http://127.0.0.1:PORT
//   --redirect-uri  (OIDC_REDIRECT_URI)    the client's redirect URI (FACHNETZ_BASE_URL + /anmelden/dienstkonto/zurueck)
//   --client-id     (OIDC_CLIENT_ID)       default "fachnetz"
//   --client-secret (OIDC_CLIENT_SECRET)   default "fachnetz-test-secret"
//   OIDC_USER_PASSWORD                     the password of every account (default "dienstkonto-test")
//
// Prints one line "ready ISSUER" on standard output once it listens; logs go to
// standard error. Stops on SIGTERM and SIGINT.
//
// Sign-in and consent use small interaction pages of our own, built on the provider's
// interactionDetails()/interactionFinished() API as its documentation prescribes: the
// built-in development interactions load a web font from fonts.googleapis.com, and
// nothing in the tests may talk to third-party servers. The login name is the account
// id (e.g. "erika").
//
// Claims: the server reads the person from the ID token, not from userinfo, so
// conformIdTokenClaims is off (claims of the granted scopes go into the ID token) and
// the custom claims `agency` and `groups` belong to the `profile` scope.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.OIDC_PORT },
    'redirect-uri': { type: 'string', default: process.env.OIDC_REDIRECT_URI },
    'client-id': { type: 'string', default: process.env.OIDC_CLIENT_ID || 'fachnetz' },
    'client-secret': { type: 'string', default: process.env.OIDC_CLIENT_SECRET || 'fachnetz-test-secret' },
  },
});

function usage(msg) {
  process.stderr.write(`provider.mjs: ${msg}\nusage: node provider.mjs --port PORT --redirect-uri URL\n`);
  process.exit(2);
}
const port = Number(args.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) usage('--port (or OIDC_PORT) must be a TCP port');
if (!args['redirect-uri'] || !URL.canParse(args['redirect-uri'])) usage('--redirect-uri (or OIDC_REDIRECT_URI) must be a URL');

const issuer = `http://127.0.0.1:${port}`;
const password = process.env.OIDC_USER_PASSWORD || 'dienstkonto-test';

function log(...parts) {
  process.stderr.write(`${new Date().toISOString()} oidc-provider: ${parts.join(' ')}\n`);
}

// The static accounts: the login name is the account id, which is also `sub`.
const accounts = {
  erika: {
    email: 'erika.mustermann@oidc.example',
    email_verified: true,
    name: 'Erika Mustermann',
    given_name: 'Erika',
    family_name: 'Mustermann',
    agency: 'oidc-behoerde',
    groups: ['oidc-projekt'],
  },
  unbestaetigt: {
    email: 'ungeprueft@oidc.example',
    email_verified: false,
    name: 'Ulla Ungeprüft',
    given_name: 'Ulla',
    family_name: 'Ungeprüft',
    agency: 'oidc-behoerde',
    groups: [],
  },
};

// A fresh signing key per run: the tests need no stable keys.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };

const configuration = {
  clients: [
    {
      client_id: args['client-id'],
      client_secret: args['client-secret'],
      redirect_uris: [args['redirect-uri']],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // Authorization Code with PKCE (S256, the only method v9 accepts) for every client,
  // not only for public ones: a server that stops sending it fails the tests.
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'agency', 'groups'],
  },
  conformIdTokenClaims: false,
  // Short lifetimes (seconds): a test run lasts minutes. State lives in memory (the
  // provider's default adapter), which is what a test needs.
  ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
  features: {
    devInteractions: { enabled: false }, // our own pages below
  },
  interactions: {
    url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  async findAccount(_ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page(
      'Fehler beim Testanbieter',
      Object.entries(out)
        .map(([k, v]) => `<p><strong>${esc(k)}</strong>: ${esc(v)}</p>`)
        .join(''),
    );
  },
};

const provider = new Provider(issuer, configuration);
for (const event of ['server_error', 'authorization.error', 'grant.error', 'userinfo.error', 'end_session.error', 'jwks.error', 'discovery.error']) {
  provider.on(event, (_ctx, err) => log(event, err?.stack || String(err)));
}
provider.on('grant.success', (ctx) => log('token issued to', ctx.oidc.client?.clientId));
provider.on('interaction.ended', (ctx) => log('interaction ended for', ctx.oidc.session?.accountId ?? '(no session)'));

// --- interaction pages (login and consent) -------------------------------------------

function esc(v) {
  return String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
label{display:block;margin-top:1rem;font-weight:bold}
input{display:block;width:100%;box-sizing:border-box;font-size:1rem;padding:.5rem}
button{margin-top:1rem;font-size:1rem;padding:.5rem 1rem}
.error{color:#a00000;font-weight:bold}
</style>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

function send(res, status, html) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' " + new URL(args['redirect-uri']).origin,
  });
  res.end(html);
}

function loginPage(uid, clientId, error = '') {
  return page(
    'Testanbieter für Dienstkonten',
    `<p>Anmeldung für <strong>${esc(clientId)}</strong>.</p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
<label for="login">Kennung</label>
<input id="login" name="login" type="text" required autofocus>
<label for="password">Passwort</label>
<input id="password" name="password" type="password" required>
<button type="submit">Weiter</button>
</form>
<p><a href="/interaction/${esc(uid)}/abort">Abbrechen</a></p>`,
  );
}

function consentPage(uid, clientId, details) {
  const scopes = (details.missingOIDCScope || []).filter((s) => s !== 'openid');
  const claims = (details.missingOIDCClaims || []).filter((c) => !['sub', 'sid', 'auth_time', 'acr', 'amr', 'iss'].includes(c));
  return page(
    'Zugriff erlauben',
    `<p><strong>${esc(clientId)}</strong> möchte Ihre Angaben lesen.</p>
${scopes.length ? `<p>Bereiche: ${scopes.map(esc).join(', ')}</p>` : ''}
${claims.length ? `<p>Angaben: ${claims.map(esc).join(', ')}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/confirm">
<button type="submit">Zustimmen</button>
</form>
<p><a href="/interaction/${esc(uid)}/abort">Abbrechen</a></p>`,
  );
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('request body too large');
  }
  return new URLSearchParams(body);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    send(res, 400, page('Fehler beim Testanbieter', '<p>Diese Anmeldung ist abgelaufen.</p>'));
    return;
  }
  const { prompt, params, session, grantId } = details;
  const clientId = params.client_id;

  if (req.method === 'GET' && action === '') {
    if (prompt.name === 'login') return send(res, 200, loginPage(uid, clientId));
    if (prompt.name === 'consent') return send(res, 200, consentPage(uid, clientId, prompt.details));
    return send(res, 501, page('Fehler beim Testanbieter', `<p>Unbekannter Schritt ${esc(prompt.name)}.</p>`));
  }
  if (req.method === 'GET' && action === 'abort') {
    log('interaction aborted');
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
  }
  if (req.method === 'POST' && action === 'login' && prompt.name === 'login') {
    const form = await readForm(req);
    const login = form.get('login') || '';
    if (!Object.hasOwn(accounts, login) || form.get('password') !== password) {
      log('login refused for', JSON.stringify(login));
      return send(res, 401, loginPage(uid, clientId, 'Kennung oder Passwort ist falsch.'));
    }
    log('login', login);
    return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }
  if (req.method === 'POST' && action === 'confirm' && prompt.name === 'consent') {
    const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session.accountId, clientId });
    const d = prompt.details;
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    if (d.missingResourceScopes) {
      for (const [indicator, scope] of Object.entries(d.missingResourceScopes)) grant.addResourceScope(indicator, scope.join(' '));
    }
    log('consent given by', session.accountId);
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
  send(res, 400, page('Fehler beim Testanbieter', '<p>Diese Anfrage passt nicht zum aktuellen Schritt.</p>'));
}

// --- server ---------------------------------------------------------------------------

const providerCallback = provider.callback();
const server = http.createServer((req, res) => {
  const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/.exec(new URL(req.url, issuer).pathname);
  if (!m) {
    providerCallback(req, res);
    return;
  }
  interaction(req, res, m[1], m[2] || '').catch((err) => {
    log('interaction error:', err?.stack || String(err));
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // SessionNotFound and friends: the interaction cookie is missing or expired.
    const status = Number.isInteger(err?.status) && err.status < 500 ? err.status : 500;
    send(res, status, page('Fehler beim Testanbieter', `<p>${esc(err?.error_description || err?.message || 'Fehler')}</p>`));
  });
});

function stop(signal) {
  log(`${signal}: stopping`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

server.on('error', (err) => {
  log('cannot listen:', err.message);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  log(`issuer ${issuer}, client ${args['client-id']}, redirect URI ${args['redirect-uri']}`);
  process.stdout.write(`ready ${issuer}\n`);
});

/** The sign-in page of the authorization code flow: plain HTML, every value escaped. */
export function loginPage(view: {
  uid: string;
  clientId: string;
  resources: string[];
  scope: string;
  error?: string;
}): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>commlab sign-in</title>
<style>body{font:16px system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;font:inherit}
button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit}.error{color:#b00020}code{font-size:.9em}</style></head>
<body>
<h1>Sign in to commlab</h1>
<p><code>${e(view.clientId)}</code> asks for <code>${e(view.scope || '(no scope)')}</code>
at <code>${e(view.resources.join(', ') || '(its default resource)')}</code>.</p>
${view.error ? `<p class="error" role="alert">${e(view.error)}</p>` : ''}
<form method="post" action="/interaction/${e(view.uid)}/login" autocomplete="off">
<label for="username">Customer id</label><input id="username" name="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button>
</form>
<p><a href="/interaction/${e(view.uid)}/abort">Cancel</a></p>
</body></html>`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

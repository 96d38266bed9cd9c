// What the guide does with a token in a terminal:
//   node labs/09-security/token.ts decode <token>      its header and claims (no check: anyone can read a JWT)
//   node labs/09-security/token.ts alg-none <token>    the same claims with "alg": "none" and no signature
import { decodeJwt, decodeProtectedHeader } from 'jose';

const [command, token = ''] = process.argv.slice(2);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

switch (command) {
  case 'decode': {
    const { iat, exp, jti, ...claims } = decodeJwt(token);
    console.log(JSON.stringify({ header: decodeProtectedHeader(token), claims }, null, 2));
    console.log(`lifetime: ${Number(exp) - Number(iat)} s, jti ${jti ? 'present' : 'missing'}`);
    break;
  }
  case 'alg-none':
    console.log(`${b64({ ...decodeProtectedHeader(token), alg: 'none' })}.${b64(decodeJwt(token))}.`);
    break;
  default:
    console.error('usage: node labs/09-security/token.ts decode|alg-none <token>');
    process.exitCode = 2;
}

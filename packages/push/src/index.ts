export {
  bearerPrefix,
  closeCodes,
  errorCodes,
  subprotocol,
  type ClientMessage,
  type ErrorCode,
  type PushEvent,
  type ServerMessage,
  type SubscribeMessage,
} from './protocol.ts';
export { signToken, verifyToken, type TokenCheck, type TokenClaims } from './token.ts';

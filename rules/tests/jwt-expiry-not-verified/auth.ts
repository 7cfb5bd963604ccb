import jwt from 'jsonwebtoken';

const SECRET = process.env.JWT_SECRET as string;

export function readSession(token: string) {
  return jwt.verify(token, SECRET, { ignoreExpiration: true }); // ruleid: jwt-expiry-not-verified
}

export function readSessionStrict(token: string) {
  return jwt.verify(token, SECRET, { algorithms: ['HS256'], maxAge: '1h' }); // ok: jwt-expiry-not-verified
}

import type { RequestHandler } from 'express';

/**
 * /favicon.ico: browsers ask for it on every page without a `<link rel=icon>` (the server-rendered
 * /verify/ pages, the API's own answers), and each miss was a 404 in the log. The portal's padlock
 * (apps/portal/public/favicon.svg) rendered at 32×32, as an ICO holding one PNG; embedded so the
 * icon exists whether or not a portal build is mounted.
 */
const ICON = Buffer.from(
  'AAABAAEAICAAAAEAIABwAgAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAgAAAAIAgGAAAAc3p69AAAAiVJREFUeJzsl01IVFEUx//3zhvHmQmdMIaSmkkiiMCKIHBRmxZpWOAmctMiF61chK9l23aNOyFauKloFRRhToGrWhRtyiCCED/xYxC/UEcZ9XjPA8cRP97xqfM281vMXM695/7PO+/ewzsWCkjY6QcK1ERAnQKqcYiYPUfNnt8J6v1QquHVhl3xzym7Kxkk9VIpdQtFgIi+5BQ9Gks1Dmo2GPE3xRJnWCsI/doZn3mSfqiJOuEDa0q1WIroPjxyLh51/vsyC/ACa3MAV0xOxE7xihCe3r2AmxfjOBYKOLb55VX0/M3g2cd/yMwti/dibZW0u0nqcOfySTxvvoTyoN5xfim3hra3vfjUOw4plnRhsiqSF18wT9z5dQB/RmadudrTlWi5cRZRk5FUc61jH57KivYVZYDf0LvWOlxNxjCXXUFD6htGZ5a2rKmOlSNtX0dF2MLP/mnc6/gBCVqyqOZE1BFnOnr6tokzbOM55lrNcSSqwpAgCqAyvPmmBiYXd11XOBeLlEGC6AyEgoH8eDab23Vd4VykLAAJogwcJb4H4HoLGs3db6s/n696Urg6tn/+j67fe9cE1wx4EWfYh33dcD2EXsT341s6hKUASgG4BuD1c0vq6xoAVzMvQWxUQjf29Ul2FGjTJUzAL4y2JqV+wSdYWxPoBXyCtZ2GIGF3p82gHkWECB+G2m83ObdgBfqxscg7ioOLz69a1MrjLS2RH+35OgAAAP//R3EacAAAAAZJREFUAwC978YkWmf+rQAAAABJRU5ErkJggg==',
  'base64',
);

export const favicon: RequestHandler = (_req, res) => {
  res.set({ 'Content-Type': 'image/x-icon', 'Cache-Control': 'public, max-age=86400' }).send(ICON);
};

/** The runner's own voice on the terminal, kept apart from the services' logs. */
const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string, text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);

export const colour = {
  bold: (t: string) => paint('1', t),
  dim: (t: string) => paint('2', t),
  green: (t: string) => paint('32', t),
  red: (t: string) => paint('31', t),
  yellow: (t: string) => paint('33', t),
  cyan: (t: string) => paint('36', t),
};

const palette = ['36', '35', '33', '34', '32', '31'];
export const serviceColour = (index: number, text: string) => paint(palette[index % palette.length]!, text);

export const say = {
  step: (text: string) => console.log(`${colour.cyan('›')} ${text}`),
  ok: (text: string) => console.log(`${colour.green('✔')} ${text}`),
  warn: (text: string) => console.log(`${colour.yellow('!')} ${text}`),
  fail: (text: string) => console.error(`${colour.red('✖')} ${text}`),
  line: (text = '') => console.log(text),
};

/**
 * Parses the Python literal subset `repr()` produces for plain data: dicts, lists, tuples, str
 * (single or double quoted, with backslash escapes), int, float, True, False, None. The original
 * sample's queue body is `str(dict)`, e.g. `{'code': 'ojE-161-pTv', 'timestamp': '2020-...'}`.
 * Never evaluates anything; throws SyntaxError on anything else.
 */
export function parsePythonLiteral(text: string): unknown {
  const parser = new Parser(text);
  const value = parser.value();
  parser.end();
  return value;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly s: string) {}

  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.nested(() => this.dict());
    if (c === '[') return this.nested(() => this.sequence('[', ']'));
    if (c === '(') return this.nested(() => this.sequence('(', ')'));
    if (c === "'" || c === '"') return this.string();
    if (c !== undefined && /[-+0-9.]/.test(c)) return this.number();
    for (const [word, v] of [['True', true], ['False', false], ['None', null]] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    throw this.error('a value');
  }

  end(): void {
    this.ws();
    if (this.i !== this.s.length) throw this.error('the end');
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > 32) throw new SyntaxError('nested too deeply');
    const value = parse();
    this.depth--;
    return value;
  }

  private dict(): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    this.i++;
    this.ws();
    if (this.eat('}')) return { ...out };
    for (;;) {
      const key = this.value();
      if (typeof key !== 'string' && typeof key !== 'number') throw new SyntaxError('dict keys must be strings or numbers');
      this.ws();
      if (!this.eat(':')) throw this.error("':'");
      out[String(key)] = this.value();
      this.ws();
      if (this.eat('}')) return { ...out };
      if (!this.eat(',')) throw this.error("',' or '}'");
      this.ws();
      if (this.eat('}')) return { ...out };
    }
  }

  private sequence(open: string, close: string): unknown[] {
    const out: unknown[] = [];
    this.i += open.length;
    this.ws();
    if (this.eat(close)) return out;
    for (;;) {
      out.push(this.value());
      this.ws();
      if (this.eat(close)) return out;
      if (!this.eat(',')) throw this.error(`',' or '${close}'`);
      this.ws();
      if (this.eat(close)) return out;
    }
  }

  private string(): string {
    const quote = this.s[this.i++];
    let out = '';
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined || c === '\n') throw new SyntaxError('unterminated string');
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      if (e === undefined) throw new SyntaxError('unterminated string');
      if (e === 'x' || e === 'u' || e === 'U') {
        const length = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = this.s.slice(this.i, this.i + length);
        if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) throw new SyntaxError(`bad \\${e} escape`);
        out += String.fromCodePoint(parseInt(hex, 16));
        this.i += length;
      } else if (e in ESCAPES) {
        out += ESCAPES[e];
      } else {
        out += `\\${e}`; // Python keeps unknown escapes as written
      }
    }
  }

  private number(): number {
    const match = /^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/.exec(this.s.slice(this.i));
    if (!match) throw this.error('a number');
    this.i += match[0].length;
    return Number(match[0].replaceAll('_', ''));
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private eat(token: string): boolean {
    if (!this.s.startsWith(token, this.i)) return false;
    this.i += token.length;
    return true;
  }

  private error(expected: string): SyntaxError {
    return new SyntaxError(`expected ${expected} at position ${this.i}`);
  }
}

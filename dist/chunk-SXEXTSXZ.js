import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  DEFAULT_SHUTDOWN_GRACE_MS,
  fileRelativePath,
  formatPorts,
  isFileHostPattern,
  isRunning,
  nameRelativePath,
  pageRelativePath,
  pathInside,
  readManifest
} from "./chunk-4NQIETS3.js";
import {
  OUTBOUND_NO_PROXY_ENV,
  OUTBOUND_PROXY_ENV,
  UPSTREAMS_ENV,
  credentialsEnvName,
  indexUrlForKey,
  indexUrlSecrets,
  isNormalizedProjectName,
  isSha256Hex,
  isValidFileName,
  isValidUpstreamName,
  redactIndexUrl
} from "./chunk-K6M7SHUM.js";
import {
  getInput,
  getState,
  info,
  saveState,
  setSecret,
  warning
} from "./chunk-OEW76XB5.js";
import {
  __commonJS,
  __name,
  __toESM
} from "./chunk-WTG47EWH.js";

// node_modules/picomatch/lib/constants.js
var require_constants = __commonJS({
  "node_modules/picomatch/lib/constants.js"(exports, module) {
    "use strict";
    var WIN_SLASH = "\\\\/";
    var WIN_NO_SLASH = `[^${WIN_SLASH}]`;
    var DEFAULT_MAX_EXTGLOB_RECURSION = 0;
    var DOT_LITERAL = "\\.";
    var PLUS_LITERAL = "\\+";
    var QMARK_LITERAL = "\\?";
    var SLASH_LITERAL = "\\/";
    var ONE_CHAR = "(?=.)";
    var QMARK = "[^/]";
    var END_ANCHOR = `(?:${SLASH_LITERAL}|$)`;
    var START_ANCHOR = `(?:^|${SLASH_LITERAL})`;
    var DOTS_SLASH = `${DOT_LITERAL}{1,2}${END_ANCHOR}`;
    var NO_DOT = `(?!${DOT_LITERAL})`;
    var NO_DOTS = `(?!${START_ANCHOR}${DOTS_SLASH})`;
    var NO_DOT_SLASH = `(?!${DOT_LITERAL}{0,1}${END_ANCHOR})`;
    var NO_DOTS_SLASH = `(?!${DOTS_SLASH})`;
    var QMARK_NO_DOT = `[^.${SLASH_LITERAL}]`;
    var STAR = `${QMARK}*?`;
    var SEP = "/";
    var POSIX_CHARS = {
      DOT_LITERAL,
      PLUS_LITERAL,
      QMARK_LITERAL,
      SLASH_LITERAL,
      ONE_CHAR,
      QMARK,
      END_ANCHOR,
      DOTS_SLASH,
      NO_DOT,
      NO_DOTS,
      NO_DOT_SLASH,
      NO_DOTS_SLASH,
      QMARK_NO_DOT,
      STAR,
      START_ANCHOR,
      SEP
    };
    var WINDOWS_CHARS = {
      ...POSIX_CHARS,
      SLASH_LITERAL: `[${WIN_SLASH}]`,
      QMARK: WIN_NO_SLASH,
      STAR: `${WIN_NO_SLASH}*?`,
      DOTS_SLASH: `${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$)`,
      NO_DOT: `(?!${DOT_LITERAL})`,
      NO_DOTS: `(?!(?:^|[${WIN_SLASH}])${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      NO_DOT_SLASH: `(?!${DOT_LITERAL}{0,1}(?:[${WIN_SLASH}]|$))`,
      NO_DOTS_SLASH: `(?!${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      QMARK_NO_DOT: `[^.${WIN_SLASH}]`,
      START_ANCHOR: `(?:^|[${WIN_SLASH}])`,
      END_ANCHOR: `(?:[${WIN_SLASH}]|$)`,
      SEP: "\\"
    };
    var POSIX_REGEX_SOURCE = {
      __proto__: null,
      alnum: "a-zA-Z0-9",
      alpha: "a-zA-Z",
      ascii: "\\x00-\\x7F",
      blank: " \\t",
      cntrl: "\\x00-\\x1F\\x7F",
      digit: "0-9",
      graph: "\\x21-\\x7E",
      lower: "a-z",
      print: "\\x20-\\x7E ",
      punct: "\\-!\"#$%&'()\\*+,./:;<=>?@[\\]^_`{|}~",
      space: " \\t\\r\\n\\v\\f",
      upper: "A-Z",
      word: "A-Za-z0-9_",
      xdigit: "A-Fa-f0-9"
    };
    module.exports = {
      DEFAULT_MAX_EXTGLOB_RECURSION,
      MAX_LENGTH: 1024 * 64,
      POSIX_REGEX_SOURCE,
      // regular expressions
      REGEX_BACKSLASH: /\\(?![*+?^${}(|)[\]])/g,
      REGEX_NON_SPECIAL_CHARS: /^[^@![\].,$*+?^{}()|\\/]+/,
      REGEX_SPECIAL_CHARS: /[-*+?.^${}(|)[\]]/,
      REGEX_SPECIAL_CHARS_BACKREF: /(\\?)((\W)(\3*))/g,
      REGEX_SPECIAL_CHARS_GLOBAL: /([-*+?.^${}(|)[\]])/g,
      REGEX_REMOVE_BACKSLASH: /(?:\[.*?[^\\]\]|\\(?=.))/g,
      // Replace globs with equivalent patterns to reduce parsing time.
      REPLACEMENTS: {
        __proto__: null,
        "***": "*",
        "**/**": "**",
        "**/**/**": "**"
      },
      // Digits
      CHAR_0: 48,
      /* 0 */
      CHAR_9: 57,
      /* 9 */
      // Alphabet chars.
      CHAR_UPPERCASE_A: 65,
      /* A */
      CHAR_LOWERCASE_A: 97,
      /* a */
      CHAR_UPPERCASE_Z: 90,
      /* Z */
      CHAR_LOWERCASE_Z: 122,
      /* z */
      CHAR_LEFT_PARENTHESES: 40,
      /* ( */
      CHAR_RIGHT_PARENTHESES: 41,
      /* ) */
      CHAR_ASTERISK: 42,
      /* * */
      // Non-alphabetic chars.
      CHAR_AMPERSAND: 38,
      /* & */
      CHAR_AT: 64,
      /* @ */
      CHAR_BACKWARD_SLASH: 92,
      /* \ */
      CHAR_CARRIAGE_RETURN: 13,
      /* \r */
      CHAR_CIRCUMFLEX_ACCENT: 94,
      /* ^ */
      CHAR_COLON: 58,
      /* : */
      CHAR_COMMA: 44,
      /* , */
      CHAR_DOT: 46,
      /* . */
      CHAR_DOUBLE_QUOTE: 34,
      /* " */
      CHAR_EQUAL: 61,
      /* = */
      CHAR_EXCLAMATION_MARK: 33,
      /* ! */
      CHAR_FORM_FEED: 12,
      /* \f */
      CHAR_FORWARD_SLASH: 47,
      /* / */
      CHAR_GRAVE_ACCENT: 96,
      /* ` */
      CHAR_HASH: 35,
      /* # */
      CHAR_HYPHEN_MINUS: 45,
      /* - */
      CHAR_LEFT_ANGLE_BRACKET: 60,
      /* < */
      CHAR_LEFT_CURLY_BRACE: 123,
      /* { */
      CHAR_LEFT_SQUARE_BRACKET: 91,
      /* [ */
      CHAR_LINE_FEED: 10,
      /* \n */
      CHAR_NO_BREAK_SPACE: 160,
      /* \u00A0 */
      CHAR_PERCENT: 37,
      /* % */
      CHAR_PLUS: 43,
      /* + */
      CHAR_QUESTION_MARK: 63,
      /* ? */
      CHAR_RIGHT_ANGLE_BRACKET: 62,
      /* > */
      CHAR_RIGHT_CURLY_BRACE: 125,
      /* } */
      CHAR_RIGHT_SQUARE_BRACKET: 93,
      /* ] */
      CHAR_SEMICOLON: 59,
      /* ; */
      CHAR_SINGLE_QUOTE: 39,
      /* ' */
      CHAR_SPACE: 32,
      /*   */
      CHAR_TAB: 9,
      /* \t */
      CHAR_UNDERSCORE: 95,
      /* _ */
      CHAR_VERTICAL_LINE: 124,
      /* | */
      CHAR_ZERO_WIDTH_NOBREAK_SPACE: 65279,
      /* \uFEFF */
      /**
       * Create EXTGLOB_CHARS
       */
      extglobChars(chars) {
        return {
          "!": { type: "negate", open: "(?:(?!(?:", close: `))${chars.STAR})` },
          "?": { type: "qmark", open: "(?:", close: ")?" },
          "+": { type: "plus", open: "(?:", close: ")+" },
          "*": { type: "star", open: "(?:", close: ")*" },
          "@": { type: "at", open: "(?:", close: ")" }
        };
      },
      /**
       * Create GLOB_CHARS
       */
      globChars(win323) {
        return win323 === true ? WINDOWS_CHARS : POSIX_CHARS;
      }
    };
  }
});

// node_modules/picomatch/lib/utils.js
var require_utils = __commonJS({
  "node_modules/picomatch/lib/utils.js"(exports) {
    "use strict";
    var {
      REGEX_BACKSLASH,
      REGEX_REMOVE_BACKSLASH,
      REGEX_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_GLOBAL
    } = require_constants();
    exports.isObject = (val) => val !== null && typeof val === "object" && !Array.isArray(val);
    exports.hasRegexChars = (str) => REGEX_SPECIAL_CHARS.test(str);
    exports.isRegexChar = (str) => str.length === 1 && exports.hasRegexChars(str);
    exports.escapeRegex = (str) => str.replace(REGEX_SPECIAL_CHARS_GLOBAL, "\\$1");
    exports.toPosixSlashes = (str) => str.replace(REGEX_BACKSLASH, "/");
    exports.isWindows = () => {
      if (typeof navigator !== "undefined" && navigator.platform) {
        const platform = navigator.platform.toLowerCase();
        return platform === "win32" || platform === "windows";
      }
      if (typeof process !== "undefined" && process.platform) {
        return process.platform === "win32";
      }
      return false;
    };
    exports.removeBackslashes = (str) => {
      return str.replace(REGEX_REMOVE_BACKSLASH, (match) => {
        return match === "\\" ? "" : match;
      });
    };
    exports.escapeLast = (input, char, lastIdx) => {
      const idx = input.lastIndexOf(char, lastIdx);
      if (idx === -1) return input;
      if (input[idx - 1] === "\\") return exports.escapeLast(input, char, idx - 1);
      return `${input.slice(0, idx)}\\${input.slice(idx)}`;
    };
    exports.removePrefix = (input, state = {}) => {
      let output = input;
      if (output.startsWith("./")) {
        output = output.slice(2);
        state.prefix = "./";
      }
      return output;
    };
    exports.wrapOutput = (input, state = {}, options = {}) => {
      const prepend = options.contains ? "" : "^";
      const append = options.contains ? "" : "$";
      let output = `${prepend}(?:${input})${append}`;
      if (state.negated === true) {
        output = `(?:^(?!${output}).*$)`;
      }
      return output;
    };
    exports.basename = (path, { windows } = {}) => {
      const segs = path.split(windows ? /[\\/]/ : "/");
      const last = segs[segs.length - 1];
      if (last === "") {
        return segs[segs.length - 2];
      }
      return last;
    };
  }
});

// node_modules/picomatch/lib/scan.js
var require_scan = __commonJS({
  "node_modules/picomatch/lib/scan.js"(exports, module) {
    "use strict";
    var utils = require_utils();
    var {
      CHAR_ASTERISK,
      /* * */
      CHAR_AT,
      /* @ */
      CHAR_BACKWARD_SLASH,
      /* \ */
      CHAR_COMMA,
      /* , */
      CHAR_DOT,
      /* . */
      CHAR_EXCLAMATION_MARK,
      /* ! */
      CHAR_FORWARD_SLASH,
      /* / */
      CHAR_LEFT_CURLY_BRACE,
      /* { */
      CHAR_LEFT_PARENTHESES,
      /* ( */
      CHAR_LEFT_SQUARE_BRACKET,
      /* [ */
      CHAR_PLUS,
      /* + */
      CHAR_QUESTION_MARK,
      /* ? */
      CHAR_RIGHT_CURLY_BRACE,
      /* } */
      CHAR_RIGHT_PARENTHESES,
      /* ) */
      CHAR_RIGHT_SQUARE_BRACKET
      /* ] */
    } = require_constants();
    var isPathSeparator = /* @__PURE__ */ __name((code) => {
      return code === CHAR_FORWARD_SLASH || code === CHAR_BACKWARD_SLASH;
    }, "isPathSeparator");
    var depth = /* @__PURE__ */ __name((token) => {
      if (token.isPrefix !== true) {
        token.depth = token.isGlobstar ? Infinity : 1;
      }
    }, "depth");
    var scan = /* @__PURE__ */ __name((input, options) => {
      const opts = options || {};
      const length = input.length - 1;
      const scanToEnd = opts.parts === true || opts.tokens === true || opts.scanToEnd === true;
      const slashes = [];
      const tokens = [];
      const parts = [];
      let str = input;
      let index = -1;
      let start = 0;
      let lastIndex = 0;
      let isBrace = false;
      let isBracket = false;
      let isGlob = false;
      let isExtglob = false;
      let isGlobstar = false;
      let braceEscaped = false;
      let backslashes = false;
      let negated = false;
      let negatedExtglob = false;
      let finished = false;
      let braces = 0;
      let prev;
      let code;
      let token = { value: "", depth: 0, isGlob: false };
      const eos = /* @__PURE__ */ __name(() => index >= length, "eos");
      const peek = /* @__PURE__ */ __name(() => str.charCodeAt(index + 1), "peek");
      const advance = /* @__PURE__ */ __name(() => {
        prev = code;
        return str.charCodeAt(++index);
      }, "advance");
      while (index < length) {
        code = advance();
        let next;
        if (code === CHAR_BACKWARD_SLASH) {
          backslashes = token.backslashes = true;
          code = advance();
          if (code === CHAR_LEFT_CURLY_BRACE) {
            braceEscaped = true;
          }
          continue;
        }
        if (braceEscaped === true || code === CHAR_LEFT_CURLY_BRACE) {
          braces++;
          while (eos() !== true && (code = advance())) {
            if (code === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (code === CHAR_LEFT_CURLY_BRACE) {
              braces++;
              continue;
            }
            if (braceEscaped !== true && code === CHAR_DOT && (code = advance()) === CHAR_DOT) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (braceEscaped !== true && code === CHAR_COMMA) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (code === CHAR_RIGHT_CURLY_BRACE) {
              braces--;
              if (braces === 0) {
                braceEscaped = false;
                isBrace = token.isBrace = true;
                finished = true;
                break;
              }
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_FORWARD_SLASH) {
          slashes.push(index);
          tokens.push(token);
          token = { value: "", depth: 0, isGlob: false };
          if (finished === true) continue;
          if (prev === CHAR_DOT && index === start + 1) {
            start += 2;
            continue;
          }
          lastIndex = index + 1;
          continue;
        }
        if (opts.noext !== true) {
          const isExtglobChar = code === CHAR_PLUS || code === CHAR_AT || code === CHAR_ASTERISK || code === CHAR_QUESTION_MARK || code === CHAR_EXCLAMATION_MARK;
          if (isExtglobChar === true && peek() === CHAR_LEFT_PARENTHESES) {
            isGlob = token.isGlob = true;
            isExtglob = token.isExtglob = true;
            finished = true;
            if (code === CHAR_EXCLAMATION_MARK && index === start) {
              negatedExtglob = true;
            }
            if (scanToEnd === true) {
              let parens = 0;
              while (eos() !== true && (code = advance())) {
                if (code === CHAR_BACKWARD_SLASH) {
                  backslashes = token.backslashes = true;
                  advance();
                  continue;
                }
                if (code === CHAR_LEFT_PARENTHESES) {
                  parens++;
                  continue;
                }
                if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                  finished = true;
                  break;
                }
              }
              continue;
            }
            break;
          }
        }
        if (code === CHAR_ASTERISK) {
          if (prev === CHAR_ASTERISK) isGlobstar = token.isGlobstar = true;
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_QUESTION_MARK) {
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_LEFT_SQUARE_BRACKET) {
          while (eos() !== true && (next = advance())) {
            if (next === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (next === CHAR_RIGHT_SQUARE_BRACKET) {
              isBracket = token.isBracket = true;
              isGlob = token.isGlob = true;
              finished = true;
              break;
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (opts.nonegate !== true && code === CHAR_EXCLAMATION_MARK && index === start) {
          negated = token.negated = true;
          start++;
          continue;
        }
        if (opts.noparen !== true && code === CHAR_LEFT_PARENTHESES) {
          isGlob = token.isGlob = true;
          if (scanToEnd === true) {
            let parens = 1;
            while (eos() !== true && (code = advance())) {
              if (code === CHAR_BACKWARD_SLASH) {
                backslashes = token.backslashes = true;
                advance();
                continue;
              }
              if (code === CHAR_LEFT_PARENTHESES) {
                parens++;
                continue;
              }
              if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                finished = true;
                break;
              }
            }
            continue;
          }
          break;
        }
        if (isGlob === true) {
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
      }
      if (opts.noext === true) {
        isExtglob = false;
        isGlob = false;
      }
      let base = str;
      let prefix = "";
      let glob = "";
      if (start > 0) {
        prefix = str.slice(0, start);
        str = str.slice(start);
        lastIndex -= start;
      }
      if (base && isGlob === true && lastIndex > 0) {
        base = str.slice(0, lastIndex);
        glob = str.slice(lastIndex);
      } else if (isGlob === true) {
        base = "";
        glob = str;
      } else {
        base = str;
      }
      if (base && base !== "" && base !== "/" && base !== str) {
        if (isPathSeparator(base.charCodeAt(base.length - 1))) {
          base = base.slice(0, -1);
        }
      }
      if (opts.unescape === true) {
        if (glob) glob = utils.removeBackslashes(glob);
        if (base && backslashes === true) {
          base = utils.removeBackslashes(base);
        }
      }
      const state = {
        prefix,
        input,
        start,
        base,
        glob,
        isBrace,
        isBracket,
        isGlob,
        isExtglob,
        isGlobstar,
        negated,
        negatedExtglob
      };
      if (opts.tokens === true) {
        state.maxDepth = 0;
        if (!isPathSeparator(code)) {
          tokens.push(token);
        }
        state.tokens = tokens;
      }
      if (opts.parts === true || opts.tokens === true) {
        let prevIndex;
        for (let idx = 0; idx < slashes.length; idx++) {
          const n2 = prevIndex !== void 0 ? prevIndex + 1 : start;
          const i = slashes[idx];
          const value2 = input.slice(n2, i);
          if (opts.tokens) {
            if (idx === 0 && start !== 0) {
              tokens[idx].isPrefix = true;
              tokens[idx].value = prefix;
            } else {
              tokens[idx].value = value2;
            }
            depth(tokens[idx]);
            state.maxDepth += tokens[idx].depth;
          }
          if (i >= start) {
            parts.push(value2);
            prevIndex = i;
          }
        }
        const n = prevIndex !== void 0 ? prevIndex + 1 : start;
        const value = input.slice(n);
        parts.push(value);
        if (opts.tokens && prevIndex && prevIndex + 1 < input.length) {
          tokens[tokens.length - 1].value = value;
          depth(tokens[tokens.length - 1]);
          state.maxDepth += tokens[tokens.length - 1].depth;
        }
        state.slashes = slashes;
        state.parts = parts;
      }
      return state;
    }, "scan");
    module.exports = scan;
  }
});

// node_modules/picomatch/lib/parse.js
var require_parse = __commonJS({
  "node_modules/picomatch/lib/parse.js"(exports, module) {
    "use strict";
    var constants2 = require_constants();
    var utils = require_utils();
    var {
      MAX_LENGTH,
      POSIX_REGEX_SOURCE,
      REGEX_NON_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_BACKREF,
      REPLACEMENTS
    } = constants2;
    var expandRange = /* @__PURE__ */ __name((args, options) => {
      if (typeof options.expandRange === "function") {
        return options.expandRange(...args, options);
      }
      args.sort();
      const value = `[${args.join("-")}]`;
      try {
        new RegExp(value);
      } catch (ex) {
        return args.map((v) => utils.escapeRegex(v)).join("..");
      }
      return value;
    }, "expandRange");
    var syntaxError = /* @__PURE__ */ __name((type, char) => {
      return `Missing ${type}: "${char}" - use "\\\\${char}" to match literal characters`;
    }, "syntaxError");
    var splitTopLevel = /* @__PURE__ */ __name((input) => {
      const parts = [];
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let value = "";
      let escaped = false;
      for (const ch of input) {
        if (escaped === true) {
          value += ch;
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          value += ch;
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          value += ch;
          continue;
        }
        if (quote === 0) {
          if (ch === "[") {
            bracket++;
          } else if (ch === "]" && bracket > 0) {
            bracket--;
          } else if (bracket === 0) {
            if (ch === "(") {
              paren++;
            } else if (ch === ")" && paren > 0) {
              paren--;
            } else if (ch === "|" && paren === 0) {
              parts.push(value);
              value = "";
              continue;
            }
          }
        }
        value += ch;
      }
      parts.push(value);
      return parts;
    }, "splitTopLevel");
    var isPlainBranch = /* @__PURE__ */ __name((branch) => {
      let escaped = false;
      for (const ch of branch) {
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (/[?*+@!()[\]{}]/.test(ch)) {
          return false;
        }
      }
      return true;
    }, "isPlainBranch");
    var normalizeSimpleBranch = /* @__PURE__ */ __name((branch) => {
      let value = branch.trim();
      let changed = true;
      while (changed === true) {
        changed = false;
        if (/^@\([^\\()[\]{}|]+\)$/.test(value)) {
          value = value.slice(2, -1);
          changed = true;
        }
      }
      if (!isPlainBranch(value)) {
        return;
      }
      return value.replace(/\\(.)/g, "$1");
    }, "normalizeSimpleBranch");
    var hasRepeatedCharPrefixOverlap = /* @__PURE__ */ __name((branches) => {
      const values = branches.map(normalizeSimpleBranch).filter(Boolean);
      for (let i = 0; i < values.length; i++) {
        for (let j = i + 1; j < values.length; j++) {
          const a = values[i];
          const b = values[j];
          const char = a[0];
          if (!char || a !== char.repeat(a.length) || b !== char.repeat(b.length)) {
            continue;
          }
          if (a === b || a.startsWith(b) || b.startsWith(a)) {
            return true;
          }
        }
      }
      return false;
    }, "hasRepeatedCharPrefixOverlap");
    var parseRepeatedExtglob = /* @__PURE__ */ __name((pattern, requireEnd = true) => {
      if (pattern[0] !== "+" && pattern[0] !== "*" || pattern[1] !== "(") {
        return;
      }
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let escaped = false;
      for (let i = 1; i < pattern.length; i++) {
        const ch = pattern[i];
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          continue;
        }
        if (quote === 1) {
          continue;
        }
        if (ch === "[") {
          bracket++;
          continue;
        }
        if (ch === "]" && bracket > 0) {
          bracket--;
          continue;
        }
        if (bracket > 0) {
          continue;
        }
        if (ch === "(") {
          paren++;
          continue;
        }
        if (ch === ")") {
          paren--;
          if (paren === 0) {
            if (requireEnd === true && i !== pattern.length - 1) {
              return;
            }
            return {
              type: pattern[0],
              body: pattern.slice(2, i),
              end: i
            };
          }
        }
      }
    }, "parseRepeatedExtglob");
    var buildCharClassStar = /* @__PURE__ */ __name((chars) => {
      const source = chars.length === 1 ? utils.escapeRegex(chars[0]) : `[${chars.map((ch) => utils.escapeRegex(ch)).join("")}]`;
      return `${source}*`;
    }, "buildCharClassStar");
    var getStarExtglobSequenceChars = /* @__PURE__ */ __name((pattern) => {
      let index = 0;
      const chars = [];
      while (index < pattern.length) {
        const match = parseRepeatedExtglob(pattern.slice(index), false);
        if (!match || match.type !== "*") {
          return;
        }
        const branches = splitTopLevel(match.body).map((branch2) => branch2.trim());
        if (branches.length !== 1) {
          return;
        }
        const branch = normalizeSimpleBranch(branches[0]);
        if (!branch || branch.length !== 1) {
          return;
        }
        chars.push(branch);
        index += match.end + 1;
      }
      if (chars.length < 1) {
        return;
      }
      return chars;
    }, "getStarExtglobSequenceChars");
    var repeatedExtglobRecursion = /* @__PURE__ */ __name((pattern) => {
      let depth = 0;
      let value = pattern.trim();
      let match = parseRepeatedExtglob(value);
      while (match) {
        depth++;
        value = match.body.trim();
        match = parseRepeatedExtglob(value);
      }
      return depth;
    }, "repeatedExtglobRecursion");
    var analyzeRepeatedExtglob = /* @__PURE__ */ __name((body, options) => {
      if (options.maxExtglobRecursion === false) {
        return { risky: false };
      }
      const max = typeof options.maxExtglobRecursion === "number" ? options.maxExtglobRecursion : constants2.DEFAULT_MAX_EXTGLOB_RECURSION;
      const branches = splitTopLevel(body).map((branch) => branch.trim());
      if (branches.length > 1) {
        if (branches.some((branch) => branch === "") || branches.some((branch) => /^[*?]+$/.test(branch)) || hasRepeatedCharPrefixOverlap(branches)) {
          return { risky: true };
        }
      }
      const safeChars = [];
      let sawStarSequence = false;
      let combinable = true;
      for (const branch of branches) {
        const chars = getStarExtglobSequenceChars(branch);
        if (chars) {
          sawStarSequence = true;
          safeChars.push(...chars);
          continue;
        }
        const literal = normalizeSimpleBranch(branch);
        if (literal && literal.length === 1) {
          safeChars.push(literal);
          continue;
        }
        combinable = false;
        if (repeatedExtglobRecursion(branch) > max) {
          return { risky: true };
        }
      }
      if (sawStarSequence) {
        return combinable ? { risky: true, safeOutput: buildCharClassStar([...new Set(safeChars)]) } : { risky: true };
      }
      return { risky: false };
    }, "analyzeRepeatedExtglob");
    var parse = /* @__PURE__ */ __name((input, options) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected a string");
      }
      input = REPLACEMENTS[input] || input;
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      let len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      const bos = { type: "bos", value: "", output: opts.prepend || "" };
      const tokens = [bos];
      const capture = opts.capture ? "" : "?:";
      const PLATFORM_CHARS = constants2.globChars(opts.windows);
      const EXTGLOB_CHARS = constants2.extglobChars(PLATFORM_CHARS);
      const {
        DOT_LITERAL,
        PLUS_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOT_SLASH,
        NO_DOTS_SLASH,
        QMARK,
        QMARK_NO_DOT,
        STAR,
        START_ANCHOR
      } = PLATFORM_CHARS;
      const globstar = /* @__PURE__ */ __name((opts2) => {
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      }, "globstar");
      const nodot = opts.dot ? "" : NO_DOT;
      const qmarkNoDot = opts.dot ? QMARK : QMARK_NO_DOT;
      let star = opts.bash === true ? globstar(opts) : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      if (typeof opts.noext === "boolean") {
        opts.noextglob = opts.noext;
      }
      const state = {
        input,
        index: -1,
        start: 0,
        dot: opts.dot === true,
        consumed: "",
        output: "",
        prefix: "",
        backtrack: false,
        negated: false,
        brackets: 0,
        braces: 0,
        parens: 0,
        quotes: 0,
        globstar: false,
        tokens
      };
      input = utils.removePrefix(input, state);
      len = input.length;
      const extglobs = [];
      const braces = [];
      const stack = [];
      let prev = bos;
      let value;
      const eos = /* @__PURE__ */ __name(() => state.index === len - 1, "eos");
      const peek = state.peek = (n = 1) => input[state.index + n];
      const advance = state.advance = () => input[++state.index] || "";
      const remaining = /* @__PURE__ */ __name(() => input.slice(state.index + 1), "remaining");
      const consume = /* @__PURE__ */ __name((value2 = "", num = 0) => {
        state.consumed += value2;
        state.index += num;
      }, "consume");
      const append = /* @__PURE__ */ __name((token) => {
        state.output += token.output != null ? token.output : token.value;
        consume(token.value);
      }, "append");
      const negate = /* @__PURE__ */ __name(() => {
        let count = 1;
        while (peek() === "!" && (peek(2) !== "(" || peek(3) === "?")) {
          advance();
          state.start++;
          count++;
        }
        if (count % 2 === 0) {
          return false;
        }
        state.negated = true;
        state.start++;
        return true;
      }, "negate");
      const increment = /* @__PURE__ */ __name((type) => {
        state[type]++;
        stack.push(type);
      }, "increment");
      const decrement = /* @__PURE__ */ __name((type) => {
        state[type]--;
        stack.pop();
      }, "decrement");
      const push = /* @__PURE__ */ __name((tok) => {
        if (prev.type === "globstar") {
          const isBrace = state.braces > 0 && (tok.type === "comma" || tok.type === "brace");
          const isExtglob = tok.extglob === true || extglobs.length && (tok.type === "pipe" || tok.type === "paren");
          if (tok.type !== "slash" && tok.type !== "paren" && !isBrace && !isExtglob) {
            state.output = state.output.slice(0, -prev.output.length);
            prev.type = "star";
            prev.value = "*";
            prev.output = star;
            state.output += prev.output;
          }
        }
        if (extglobs.length && tok.type !== "paren") {
          extglobs[extglobs.length - 1].inner += tok.value;
        }
        if (tok.value || tok.output) append(tok);
        if (prev && prev.type === "text" && tok.type === "text") {
          prev.output = (prev.output || prev.value) + tok.value;
          prev.value += tok.value;
          return;
        }
        tok.prev = prev;
        tokens.push(tok);
        prev = tok;
      }, "push");
      const extglobOpen = /* @__PURE__ */ __name((type, value2) => {
        const token = { ...EXTGLOB_CHARS[value2], conditions: 1, inner: "" };
        token.prev = prev;
        token.parens = state.parens;
        token.output = state.output;
        token.startIndex = state.index;
        token.tokensIndex = tokens.length;
        const output = (opts.capture ? "(" : "") + token.open;
        increment("parens");
        push({ type, value: value2, output: state.output ? "" : ONE_CHAR });
        push({ type: "paren", extglob: true, value: advance(), output });
        extglobs.push(token);
      }, "extglobOpen");
      const extglobClose = /* @__PURE__ */ __name((token) => {
        const literal = input.slice(token.startIndex, state.index + 1);
        const body = input.slice(token.startIndex + 2, state.index);
        const analysis = analyzeRepeatedExtglob(body, opts);
        if ((token.type === "plus" || token.type === "star") && analysis.risky) {
          const safeOutput = analysis.safeOutput ? (token.output ? "" : ONE_CHAR) + (opts.capture ? `(${analysis.safeOutput})` : analysis.safeOutput) : void 0;
          const open = tokens[token.tokensIndex];
          open.type = "text";
          open.value = literal;
          open.output = safeOutput || utils.escapeRegex(literal);
          for (let i = token.tokensIndex + 1; i < tokens.length; i++) {
            tokens[i].value = "";
            tokens[i].output = "";
            delete tokens[i].suffix;
          }
          state.output = token.output + open.output;
          state.backtrack = true;
          push({ type: "paren", extglob: true, value, output: "" });
          decrement("parens");
          return;
        }
        let output = token.close + (opts.capture ? ")" : "");
        let rest;
        if (token.type === "negate") {
          let extglobStar = star;
          if (token.inner && token.inner.length > 1 && token.inner.includes("/")) {
            extglobStar = globstar(opts);
          }
          if (extglobStar !== star || eos() || /^\)+$/.test(remaining())) {
            output = token.close = `)$))${extglobStar}`;
          }
          if (token.inner.includes("*") && (rest = remaining()) && /^\.[^\\/.]+$/.test(rest)) {
            const expression = parse(rest, { ...options, fastpaths: false }).output;
            output = token.close = `)${expression})${extglobStar})`;
          }
          if (token.prev.type === "bos") {
            state.negatedExtglob = true;
          }
        }
        push({ type: "paren", extglob: true, value, output });
        decrement("parens");
      }, "extglobClose");
      if (opts.fastpaths !== false && !/(^[*!]|[/()[\]{}"])/.test(input)) {
        let backslashes = false;
        let output = input.replace(REGEX_SPECIAL_CHARS_BACKREF, (m, esc, chars, first, rest, index) => {
          if (first === "\\") {
            backslashes = true;
            return m;
          }
          if (first === "?") {
            if (esc) {
              return esc + first + (rest ? QMARK.repeat(rest.length) : "");
            }
            if (index === 0) {
              return qmarkNoDot + (rest ? QMARK.repeat(rest.length) : "");
            }
            return QMARK.repeat(chars.length);
          }
          if (first === ".") {
            return DOT_LITERAL.repeat(chars.length);
          }
          if (first === "*") {
            if (esc) {
              return esc + first + (rest ? star : "");
            }
            return star;
          }
          return esc ? m : `\\${m}`;
        });
        if (backslashes === true) {
          if (opts.unescape === true) {
            output = output.replace(/\\/g, "");
          } else {
            output = output.replace(/\\+/g, (m) => {
              return m.length % 2 === 0 ? "\\\\" : m ? "\\" : "";
            });
          }
        }
        if (output === input && opts.contains === true) {
          state.output = input;
          return state;
        }
        state.output = utils.wrapOutput(output, state, options);
        return state;
      }
      while (!eos()) {
        value = advance();
        if (value === "\0") {
          continue;
        }
        if (value === "\\") {
          const next = peek();
          if (next === "/" && opts.bash !== true) {
            continue;
          }
          if (next === "." || next === ";") {
            continue;
          }
          if (!next) {
            value += "\\";
            push({ type: "text", value });
            continue;
          }
          const match = /^\\+/.exec(remaining());
          let slashes = 0;
          if (match && match[0].length > 2) {
            slashes = match[0].length;
            state.index += slashes;
            if (slashes % 2 !== 0) {
              value += "\\";
            }
          }
          if (opts.unescape === true) {
            value = advance();
          } else {
            value += advance();
          }
          if (state.brackets === 0) {
            push({ type: "text", value });
            continue;
          }
        }
        if (state.brackets > 0 && (value !== "]" || prev.value === "[" || prev.value === "[^")) {
          if (opts.posix !== false && value === ":") {
            const inner = prev.value.slice(1);
            if (inner.includes("[")) {
              prev.posix = true;
              if (inner.includes(":")) {
                const idx = prev.value.lastIndexOf("[");
                const pre = prev.value.slice(0, idx);
                const rest2 = prev.value.slice(idx + 2);
                const posix3 = POSIX_REGEX_SOURCE[rest2];
                if (posix3) {
                  prev.value = pre + posix3;
                  state.backtrack = true;
                  advance();
                  if (!bos.output && tokens.indexOf(prev) === 1) {
                    bos.output = ONE_CHAR;
                  }
                  continue;
                }
              }
            }
          }
          if (value === "[" && peek() !== ":" || value === "-" && peek() === "]") {
            value = `\\${value}`;
          }
          if (value === "]" && (prev.value === "[" || prev.value === "[^")) {
            value = `\\${value}`;
          }
          if (opts.posix === true && value === "!" && prev.value === "[") {
            value = "^";
          }
          prev.value += value;
          append({ value });
          continue;
        }
        if (state.quotes === 1 && value !== '"') {
          value = utils.escapeRegex(value);
          prev.value += value;
          append({ value });
          continue;
        }
        if (value === '"') {
          state.quotes = state.quotes === 1 ? 0 : 1;
          if (opts.keepQuotes === true) {
            push({ type: "text", value });
          }
          continue;
        }
        if (value === "(") {
          increment("parens");
          push({ type: "paren", value });
          continue;
        }
        if (value === ")") {
          if (state.parens === 0 && opts.strictBrackets === true) {
            throw new SyntaxError(syntaxError("opening", "("));
          }
          const extglob = extglobs[extglobs.length - 1];
          if (extglob && state.parens === extglob.parens + 1) {
            extglobClose(extglobs.pop());
            continue;
          }
          push({ type: "paren", value, output: state.parens ? ")" : "\\)" });
          decrement("parens");
          continue;
        }
        if (value === "[") {
          if (opts.nobracket === true || !remaining().includes("]")) {
            if (opts.nobracket !== true && opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("closing", "]"));
            }
            value = `\\${value}`;
          } else {
            increment("brackets");
          }
          push({ type: "bracket", value });
          continue;
        }
        if (value === "]") {
          if (opts.nobracket === true || prev && prev.type === "bracket" && prev.value.length === 1) {
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          if (state.brackets === 0) {
            if (opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("opening", "["));
            }
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          decrement("brackets");
          const prevValue = prev.value.slice(1);
          if (prev.posix !== true && prevValue[0] === "^" && !prevValue.includes("/")) {
            value = `/${value}`;
          }
          prev.value += value;
          append({ value });
          if (opts.literalBrackets === false || utils.hasRegexChars(prevValue)) {
            continue;
          }
          const escaped = utils.escapeRegex(prev.value);
          state.output = state.output.slice(0, -prev.value.length);
          if (opts.literalBrackets === true) {
            state.output += escaped;
            prev.value = escaped;
            continue;
          }
          prev.value = `(${capture}${escaped}|${prev.value})`;
          state.output += prev.value;
          continue;
        }
        if (value === "{" && opts.nobrace !== true) {
          increment("braces");
          const open = {
            type: "brace",
            value,
            output: "(",
            outputIndex: state.output.length,
            tokensIndex: state.tokens.length
          };
          braces.push(open);
          push(open);
          continue;
        }
        if (value === "}") {
          const brace = braces[braces.length - 1];
          if (opts.nobrace === true || !brace) {
            push({ type: "text", value, output: value });
            continue;
          }
          let output = ")";
          if (brace.dots === true) {
            const arr = tokens.slice();
            const range = [];
            for (let i = arr.length - 1; i >= 0; i--) {
              tokens.pop();
              if (arr[i].type === "brace") {
                break;
              }
              if (arr[i].type !== "dots") {
                range.unshift(arr[i].value);
              }
            }
            output = expandRange(range, opts);
            state.backtrack = true;
          }
          if (brace.comma !== true && brace.dots !== true) {
            const out = state.output.slice(0, brace.outputIndex);
            const toks = state.tokens.slice(brace.tokensIndex);
            brace.value = brace.output = "\\{";
            value = output = "\\}";
            state.output = out;
            for (const t of toks) {
              state.output += t.output || t.value;
            }
          }
          push({ type: "brace", value, output });
          decrement("braces");
          braces.pop();
          continue;
        }
        if (value === "|") {
          if (extglobs.length > 0) {
            extglobs[extglobs.length - 1].conditions++;
          }
          push({ type: "text", value });
          continue;
        }
        if (value === ",") {
          let output = value;
          const brace = braces[braces.length - 1];
          if (brace && stack[stack.length - 1] === "braces") {
            brace.comma = true;
            output = "|";
          }
          push({ type: "comma", value, output });
          continue;
        }
        if (value === "/") {
          if (prev.type === "dot" && state.index === state.start + 1) {
            state.start = state.index + 1;
            state.consumed = "";
            state.output = "";
            tokens.pop();
            prev = bos;
            continue;
          }
          push({ type: "slash", value, output: SLASH_LITERAL });
          continue;
        }
        if (value === ".") {
          if (state.braces > 0 && prev.type === "dot") {
            if (prev.value === ".") prev.output = DOT_LITERAL;
            const brace = braces[braces.length - 1];
            prev.type = "dots";
            prev.output += value;
            prev.value += value;
            brace.dots = true;
            continue;
          }
          if (state.braces + state.parens === 0 && prev.type !== "bos" && prev.type !== "slash") {
            push({ type: "text", value, output: DOT_LITERAL });
            continue;
          }
          push({ type: "dot", value, output: DOT_LITERAL });
          continue;
        }
        if (value === "?") {
          const isGroup = prev && prev.value === "(";
          if (!isGroup && opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("qmark", value);
            continue;
          }
          if (prev && prev.type === "paren") {
            const next = peek();
            let output = value;
            if (prev.value === "(" && !/[!=<:]/.test(next) || next === "<" && !/<([!=]|\w+>)/.test(remaining())) {
              output = `\\${value}`;
            }
            push({ type: "text", value, output });
            continue;
          }
          if (opts.dot !== true && (prev.type === "slash" || prev.type === "bos")) {
            push({ type: "qmark", value, output: QMARK_NO_DOT });
            continue;
          }
          push({ type: "qmark", value, output: QMARK });
          continue;
        }
        if (value === "!") {
          if (opts.noextglob !== true && peek() === "(") {
            if (peek(2) !== "?" || !/[!=<:]/.test(peek(3))) {
              extglobOpen("negate", value);
              continue;
            }
          }
          if (opts.nonegate !== true && state.index === 0) {
            negate();
            continue;
          }
        }
        if (value === "+") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("plus", value);
            continue;
          }
          if (prev && prev.value === "(" || opts.regex === false) {
            push({ type: "plus", value, output: PLUS_LITERAL });
            continue;
          }
          if (prev && (prev.type === "bracket" || prev.type === "paren" || prev.type === "brace") || state.parens > 0) {
            push({ type: "plus", value });
            continue;
          }
          push({ type: "plus", value: PLUS_LITERAL });
          continue;
        }
        if (value === "@") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            push({ type: "at", extglob: true, value, output: "" });
            continue;
          }
          push({ type: "text", value });
          continue;
        }
        if (value !== "*") {
          if (value === "$" || value === "^") {
            value = `\\${value}`;
          }
          const match = REGEX_NON_SPECIAL_CHARS.exec(remaining());
          if (match) {
            value += match[0];
            state.index += match[0].length;
          }
          push({ type: "text", value });
          continue;
        }
        if (prev && (prev.type === "globstar" || prev.star === true)) {
          prev.type = "star";
          prev.star = true;
          prev.value += value;
          prev.output = star;
          state.backtrack = true;
          state.globstar = true;
          consume(value);
          continue;
        }
        let rest = remaining();
        if (opts.noextglob !== true && /^\([^?]/.test(rest)) {
          extglobOpen("star", value);
          continue;
        }
        if (prev.type === "star") {
          if (opts.noglobstar === true) {
            consume(value);
            continue;
          }
          const prior = prev.prev;
          const before = prior.prev;
          const isStart = prior.type === "slash" || prior.type === "bos";
          const afterStar = before && (before.type === "star" || before.type === "globstar");
          if (opts.bash === true && (!isStart || rest[0] && rest[0] !== "/")) {
            push({ type: "star", value, output: "" });
            continue;
          }
          const isBrace = state.braces > 0 && (prior.type === "comma" || prior.type === "brace");
          const isExtglob = extglobs.length && (prior.type === "pipe" || prior.type === "paren");
          if (!isStart && prior.type !== "paren" && !isBrace && !isExtglob) {
            push({ type: "star", value, output: "" });
            continue;
          }
          while (rest.slice(0, 3) === "/**") {
            const after = input[state.index + 4];
            if (after && after !== "/") {
              break;
            }
            rest = rest.slice(3);
            consume("/**", 3);
          }
          const isEnd = eos() || state.parens > 0 && rest === ")".repeat(state.parens) && !extglobs.some((extglob) => extglob.type === "negate");
          if (prior.type === "bos" && eos()) {
            prev.type = "globstar";
            prev.value += value;
            prev.output = globstar(opts);
            state.output = prev.output;
            state.globstar = true;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && !afterStar && isEnd) {
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = globstar(opts) + (opts.strictSlashes ? ")" : "|$)");
            prev.value += value;
            state.globstar = true;
            state.output += prior.output + prev.output;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && rest[0] === "/") {
            const end = rest[1] !== void 0 ? "|$" : "";
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = `${globstar(opts)}${SLASH_LITERAL}|${SLASH_LITERAL}${end})`;
            prev.value += value;
            state.output += prior.output + prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          if (prior.type === "bos" && rest[0] === "/") {
            prev.type = "globstar";
            prev.value += value;
            prev.output = `(?:^|${SLASH_LITERAL}|${globstar(opts)}${SLASH_LITERAL})`;
            state.output = prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          state.output = state.output.slice(0, -prev.output.length);
          prev.type = "globstar";
          prev.output = globstar(opts);
          prev.value += value;
          state.output += prev.output;
          state.globstar = true;
          consume(value);
          continue;
        }
        const token = { type: "star", value, output: star };
        if (opts.bash === true) {
          token.output = ".*?";
          if (prev.type === "bos" || prev.type === "slash") {
            token.output = nodot + token.output;
          }
          push(token);
          continue;
        }
        if (prev && (prev.type === "bracket" || prev.type === "paren") && opts.regex === true) {
          token.output = value;
          push(token);
          continue;
        }
        if (state.index === state.start || prev.type === "slash" || prev.type === "dot") {
          if (prev.type === "dot") {
            state.output += NO_DOT_SLASH;
            prev.output += NO_DOT_SLASH;
          } else if (opts.dot === true) {
            state.output += NO_DOTS_SLASH;
            prev.output += NO_DOTS_SLASH;
          } else {
            state.output += nodot;
            prev.output += nodot;
          }
          if (peek() !== "*") {
            state.output += ONE_CHAR;
            prev.output += ONE_CHAR;
          }
        }
        push(token);
      }
      while (state.brackets > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "]"));
        state.output = utils.escapeLast(state.output, "[");
        decrement("brackets");
      }
      while (state.parens > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", ")"));
        state.output = utils.escapeLast(state.output, "(");
        decrement("parens");
      }
      while (state.braces > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "}"));
        state.output = utils.escapeLast(state.output, "{");
        decrement("braces");
      }
      if (opts.strictSlashes !== true && (prev.type === "star" || prev.type === "bracket")) {
        push({ type: "maybe_slash", value: "", output: `${SLASH_LITERAL}?` });
      }
      if (state.backtrack === true) {
        state.output = "";
        for (const token of state.tokens) {
          state.output += token.output != null ? token.output : token.value;
          if (token.suffix) {
            state.output += token.suffix;
          }
        }
      }
      return state;
    }, "parse");
    parse.fastpaths = (input, options) => {
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      const len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      input = REPLACEMENTS[input] || input;
      const {
        DOT_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOTS,
        NO_DOTS_SLASH,
        STAR,
        START_ANCHOR
      } = constants2.globChars(opts.windows);
      const nodot = opts.dot ? NO_DOTS : NO_DOT;
      const slashDot = opts.dot ? NO_DOTS_SLASH : NO_DOT;
      const capture = opts.capture ? "" : "?:";
      const state = { negated: false, prefix: "" };
      let star = opts.bash === true ? ".*?" : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      const globstar = /* @__PURE__ */ __name((opts2) => {
        if (opts2.noglobstar === true) return star;
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      }, "globstar");
      const create = /* @__PURE__ */ __name((str) => {
        switch (str) {
          case "*":
            return `${nodot}${ONE_CHAR}${star}`;
          case ".*":
            return `${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*.*":
            return `${nodot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*/*":
            return `${nodot}${star}${SLASH_LITERAL}${ONE_CHAR}${slashDot}${star}`;
          case "**":
            return nodot + globstar(opts);
          case "**/*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${ONE_CHAR}${star}`;
          case "**/*.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "**/.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${DOT_LITERAL}${ONE_CHAR}${star}`;
          default: {
            const match = /^(.*?)\.(\w+)$/.exec(str);
            if (!match) return;
            const source2 = create(match[1]);
            if (!source2) return;
            return source2 + DOT_LITERAL + match[2];
          }
        }
      }, "create");
      const output = utils.removePrefix(input, state);
      let source = create(output);
      if (source && opts.strictSlashes !== true) {
        source += `${SLASH_LITERAL}?`;
      }
      return source;
    };
    module.exports = parse;
  }
});

// node_modules/picomatch/lib/picomatch.js
var require_picomatch = __commonJS({
  "node_modules/picomatch/lib/picomatch.js"(exports, module) {
    "use strict";
    var scan = require_scan();
    var parse = require_parse();
    var utils = require_utils();
    var constants2 = require_constants();
    var isObject = /* @__PURE__ */ __name((val) => val && typeof val === "object" && !Array.isArray(val), "isObject");
    var picomatch2 = /* @__PURE__ */ __name((glob, options, returnState = false) => {
      if (Array.isArray(glob)) {
        const fns = glob.map((input) => picomatch2(input, options, returnState));
        const arrayMatcher = /* @__PURE__ */ __name((str) => {
          for (const isMatch of fns) {
            const state2 = isMatch(str);
            if (state2) return state2;
          }
          return false;
        }, "arrayMatcher");
        return arrayMatcher;
      }
      const isState = isObject(glob) && glob.tokens && glob.input;
      if (glob === "" || typeof glob !== "string" && !isState) {
        throw new TypeError("Expected pattern to be a non-empty string");
      }
      const opts = options || {};
      const posix3 = opts.windows;
      const regex = isState ? picomatch2.compileRe(glob, options) : picomatch2.makeRe(glob, options, false, true);
      const state = regex.state;
      delete regex.state;
      let isIgnored = /* @__PURE__ */ __name(() => false, "isIgnored");
      if (opts.ignore) {
        const ignoreOpts = { ...options, ignore: null, onMatch: null, onResult: null };
        isIgnored = picomatch2(opts.ignore, ignoreOpts, returnState);
      }
      const matcher = /* @__PURE__ */ __name((input, returnObject = false) => {
        const { isMatch, match, output } = picomatch2.test(input, regex, options, { glob, posix: posix3 });
        const result = { glob, state, regex, posix: posix3, input, output, match, isMatch };
        if (typeof opts.onResult === "function") {
          opts.onResult(result);
        }
        if (isMatch === false) {
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (isIgnored(input)) {
          if (typeof opts.onIgnore === "function") {
            opts.onIgnore(result);
          }
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (typeof opts.onMatch === "function") {
          opts.onMatch(result);
        }
        return returnObject ? result : true;
      }, "matcher");
      if (returnState) {
        matcher.state = state;
      }
      return matcher;
    }, "picomatch");
    picomatch2.test = (input, regex, options, { glob, posix: posix3 } = {}) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected input to be a string");
      }
      if (input === "") {
        return { isMatch: false, output: "" };
      }
      const opts = options || {};
      const format = opts.format || (posix3 ? utils.toPosixSlashes : null);
      let match = input === glob;
      let output = match && format ? format(input) : input;
      if (match === false) {
        output = format ? format(input) : input;
        match = output === glob;
      }
      if (match === false || opts.capture === true) {
        if (opts.matchBase === true || opts.basename === true) {
          match = picomatch2.matchBase(input, regex, options, posix3);
        } else {
          match = regex.exec(output);
        }
      }
      return { isMatch: Boolean(match), match, output };
    };
    picomatch2.matchBase = (input, glob, options, posix3 = options && options.windows) => {
      const regex = glob instanceof RegExp ? glob : picomatch2.makeRe(glob, options);
      return regex.test(utils.basename(input, { windows: posix3 }));
    };
    picomatch2.isMatch = (str, patterns, options) => picomatch2(patterns, options)(str);
    picomatch2.parse = (pattern, options) => {
      if (Array.isArray(pattern)) return pattern.map((p) => picomatch2.parse(p, options));
      return parse(pattern, { ...options, fastpaths: false });
    };
    picomatch2.scan = (input, options) => scan(input, options);
    picomatch2.compileRe = (state, options, returnOutput = false, returnState = false) => {
      if (returnOutput === true) {
        return state.output;
      }
      const opts = options || {};
      const prepend = opts.contains ? "" : "^";
      const append = opts.contains ? "" : "$";
      let source = `${prepend}(?:${state.output})${append}`;
      if (state && state.negated === true) {
        source = `^(?!${source}).*$`;
      }
      const regex = picomatch2.toRegex(source, options);
      if (returnState === true) {
        regex.state = state;
      }
      return regex;
    };
    picomatch2.makeRe = (input, options = {}, returnOutput = false, returnState = false) => {
      if (!input || typeof input !== "string") {
        throw new TypeError("Expected a non-empty string");
      }
      let parsed = { negated: false, fastpaths: true };
      if (options.fastpaths !== false && (input[0] === "." || input[0] === "*")) {
        parsed.output = parse.fastpaths(input, options);
      }
      if (!parsed.output) {
        parsed = parse(input, options);
      }
      return picomatch2.compileRe(parsed, options, returnOutput, returnState);
    };
    picomatch2.toRegex = (source, options) => {
      try {
        const opts = options || {};
        return new RegExp(source, opts.flags || (opts.nocase ? "i" : ""));
      } catch (err) {
        if (options && options.debug === true) throw err;
        return /$^/;
      }
    };
    picomatch2.constants = constants2;
    module.exports = picomatch2;
  }
});

// node_modules/picomatch/index.js
var require_picomatch2 = __commonJS({
  "node_modules/picomatch/index.js"(exports, module) {
    "use strict";
    var pico = require_picomatch();
    var utils = require_utils();
    function picomatch2(glob, options, returnState = false) {
      if (options && (options.windows === null || options.windows === void 0)) {
        options = { ...options, windows: utils.isWindows() };
      }
      return pico(glob, options, returnState);
    }
    __name(picomatch2, "picomatch");
    Object.assign(picomatch2, pico);
    module.exports = picomatch2;
  }
});

// src/system/entry-module.ts
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
function isEntryModule(moduleUrl, argv = process.argv) {
  const started = argv[1];
  if (!started) return false;
  try {
    return realpathSync(started) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
__name(isEntryModule, "isEntryModule");

// src/backend/cache-mode.ts
var KNOWN_CACHE_MODES = ["none", "read", "write", "write-only"];
function readCacheMode(env) {
  const name = (env.ACTIONS_CACHE_MODE ?? "").trim().toLowerCase();
  if (!name) return { name, readable: true, writable: true };
  if (!KNOWN_CACHE_MODES.includes(name)) {
    const warning2 = `ACTIONS_CACHE_MODE is '${env.ACTIONS_CACHE_MODE}', which is not one of: ${KNOWN_CACHE_MODES.join(", ")}. Restoring and saving as if it were unset, as @actions/cache does.`;
    return { name, readable: true, writable: true, warning: warning2 };
  }
  return {
    name,
    readable: name === "read" || name === "write",
    writable: name === "write" || name === "write-only"
  };
}
__name(readCacheMode, "readCacheMode");

// src/system/platform.ts
import { homedir } from "node:os";
import { posix, win32 } from "node:path";
function currentPlatform() {
  return { os: process.platform, arch: process.arch, env: process.env, home: homedir() };
}
__name(currentPlatform, "currentPlatform");
function osKeyName(os) {
  if (os === "win32") return "windows";
  if (os === "darwin") return "macos";
  return os;
}
__name(osKeyName, "osKeyName");
function userCacheDir(platform) {
  const { os, env, home } = platform;
  const join9 = joinPath(os);
  if (os === "win32") return env.LOCALAPPDATA || join9(home, "AppData", "Local");
  if (os === "darwin") return join9(home, "Library", "Caches");
  return env.XDG_CACHE_HOME || join9(home, ".cache");
}
__name(userCacheDir, "userCacheDir");
function joinPath(os) {
  return os === "win32" ? win32.join : posix.join;
}
__name(joinPath, "joinPath");

// src/backend/cache-scope.ts
import { readFileSync } from "node:fs";
function readCacheScope(env) {
  const ownRef = env.GITHUB_REF?.trim() ?? "";
  if (!ownRef) {
    return {
      ownRef: "",
      restoreRefs: [""],
      notes: [
        "GITHUB_REF is not set: the local cache is shared only with other runs outside GitHub Actions."
      ]
    };
  }
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const notes = [];
  const baseBranch = env.GITHUB_BASE_REF?.trim() || event?.pull_request?.base?.ref?.trim();
  const defaultBranch = event?.repository?.default_branch?.trim();
  if (!defaultBranch) {
    notes.push(
      `The default branch is unknown (${env.GITHUB_EVENT_PATH ? `${env.GITHUB_EVENT_PATH} has no repository.default_branch` : "GITHUB_EVENT_PATH is not set"}): entries saved on it are not restored.`
    );
  }
  const refs = [ownRef, branchRef(baseBranch), branchRef(defaultBranch)];
  const restoreRefs = refs.filter((ref, index) => !!ref && refs.indexOf(ref) === index);
  return { ownRef, restoreRefs, notes };
}
__name(readCacheScope, "readCacheScope");
function readDefaultBranch(eventPath) {
  return readEvent(eventPath)?.repository?.default_branch?.trim() || void 0;
}
__name(readDefaultBranch, "readDefaultBranch");
function branchRef(branch) {
  if (!branch) return void 0;
  return branch.startsWith("refs/") ? branch : `refs/heads/${branch}`;
}
__name(branchRef, "branchRef");
function readEvent(eventPath) {
  if (!eventPath) return void 0;
  try {
    return JSON.parse(readFileSync(eventPath, "utf8"));
  } catch {
    return void 0;
  }
}
__name(readEvent, "readEvent");

// src/backend/local.ts
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";

// src/backend/backend.ts
function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}
__name(errorMessage, "errorMessage");

// src/backend/local.ts
var LOCAL_CACHE_LIMIT_BYTES = 10 * 1024 ** 3;
var LocalCacheBackend = class {
  constructor(dir, scope, limitBytes = LOCAL_CACHE_LIMIT_BYTES) {
    this.dir = dir;
    this.scope = scope;
    this.limitBytes = limitBytes;
  }
  dir;
  scope;
  limitBytes;
  static {
    __name(this, "LocalCacheBackend");
  }
  name = "local";
  async restore(paths, key, restoreKeys) {
    try {
      const entry = this.findEntry(await this.entries(), pathsVersion(paths), key, restoreKeys);
      if (!entry) return { matchedKey: void 0 };
      await extractArchive(join(this.dir, `${entryId(entry)}.tar`), paths);
      const now = /* @__PURE__ */ new Date();
      await utimes(join(this.dir, `${entryId(entry)}.json`), now, now);
      return { matchedKey: entry.key };
    } catch (error) {
      return { matchedKey: void 0, problem: errorMessage(error) };
    }
  }
  async save(paths, key) {
    const record = {
      key,
      version: pathsVersion(paths),
      scope: this.scope.ownRef,
      createdAt: Date.now(),
      size: 0
    };
    const id = entryId(record);
    if (existsSync(join(this.dir, `${id}.json`))) {
      return { status: "exists", message: `an entry with key ${key} is already in ${this.dir}` };
    }
    const temporary = join(this.dir, `${id}.tar.${process.pid}.tmp`);
    try {
      await mkdir(this.dir, { recursive: true });
      await createArchive(temporary, paths);
      record.size = (await stat(temporary)).size;
      await rename(temporary, join(this.dir, `${id}.tar`));
      await writeFile(join(this.dir, `${id}.json`), `${JSON.stringify(record)}
`);
      await this.evictBeyondLimit();
      return { status: "saved" };
    } catch (error) {
      await rm(temporary, { force: true });
      return { status: "failed", message: errorMessage(error) };
    }
  }
  /** Every step of the search on one ref before the next ref: own ref, base, default branch. */
  findEntry(entries, version, key, restoreKeys) {
    const usable = entries.filter((entry) => entry.version === version).sort((a, b) => b.createdAt - a.createdAt);
    for (const ref of this.scope.restoreRefs) {
      const candidates = usable.filter((entry) => entry.scope === ref);
      const found = candidates.find((entry) => entry.key === key) ?? [key, ...restoreKeys].map((prefix) => candidates.find((entry) => entry.key.startsWith(prefix))).find(Boolean);
      if (found) return found;
    }
    return void 0;
  }
  async entries() {
    if (!existsSync(this.dir)) return [];
    const names = (await readdir(this.dir)).filter((name) => name.endsWith(".json"));
    const records = await Promise.all(
      names.map(async (name) => {
        try {
          const path = join(this.dir, name);
          const record = JSON.parse(await readFile(path, "utf8"));
          return { ...record, lastUsed: (await stat(path)).mtimeMs };
        } catch {
          return void 0;
        }
      })
    );
    return records.filter((record) => record !== void 0);
  }
  async evictBeyondLimit() {
    const entries = (await this.entries()).sort((a, b) => b.lastUsed - a.lastUsed);
    let total = 0;
    for (const entry of entries) {
      total += entry.size;
      if (total <= this.limitBytes || entry === entries[0]) continue;
      const id = entryId(entry);
      await rm(join(this.dir, `${id}.json`), { force: true });
      await rm(join(this.dir, `${id}.tar`), { force: true });
    }
  }
};
function pathsVersion(paths) {
  return createHash("sha256").update(paths.join("\n")).digest("hex");
}
__name(pathsVersion, "pathsVersion");
function entryId(entry) {
  const scoped = entry.scope === void 0 ? "" : `
${entry.scope}`;
  return createHash("sha256").update(`${entry.key}
${entry.version}${scoped}`).digest("hex").slice(0, 32);
}
__name(entryId, "entryId");
function loadTar() {
  return import("./chunk-X3CEAG63.js");
}
__name(loadTar, "loadTar");
async function createArchive(file, paths) {
  const present = [...paths.entries()].filter(([, path]) => existsSync(path));
  if (present.length === 0) throw new Error("none of the cached folders exists");
  const tar = await loadTar();
  for (const [index, path] of present) {
    await tar.replace({ file, cwd: path, prefix: String(index), portable: true }, ["."]);
  }
}
__name(createArchive, "createArchive");
async function extractArchive(file, paths) {
  const tar = await loadTar();
  for (const [index, path] of paths.entries()) {
    await mkdir(path, { recursive: true });
    await tar.extract({
      file,
      cwd: path,
      strip: 1,
      filter: /* @__PURE__ */ __name((entryPath) => entryPath.split("/")[0] === String(index), "filter")
    });
  }
}
__name(extractArchive, "extractArchive");

// src/backend/service-probe.ts
var PROBE_TIMEOUT_MS = 1e4;
var PROBE_TIMEOUT_ENV = "PYPI_CACHE_ACTION_TEST_PROBE_TIMEOUT_MS";
function probeTimeoutMs(env) {
  const ms = Number(env[PROBE_TIMEOUT_ENV]);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : PROBE_TIMEOUT_MS;
}
__name(probeTimeoutMs, "probeTimeoutMs");
var CACHE_SERVICE = "twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL";
async function probeCacheService(env = process.env) {
  const v2 = Boolean(env.ACTIONS_CACHE_SERVICE_V2);
  const base = v2 ? env.ACTIONS_RESULTS_URL : env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL;
  if (!base) return "the runner provides no cache service URL";
  const url = new URL(
    v2 ? CACHE_SERVICE : "_apis/artifactcache/cache?keys=probe&version=probe",
    withSlash(base)
  );
  const { HttpClient } = await import("./chunk-U7ZIZQDD.js");
  const client = new HttpClient("pypi-cache-action", [], {
    socketTimeout: probeTimeoutMs(env),
    allowRetries: false
  });
  const headers = {
    authorization: `Bearer ${env.ACTIONS_RUNTIME_TOKEN ?? ""}`,
    "content-type": "application/json"
  };
  try {
    const response = v2 ? await client.post(url.href, JSON.stringify({ key: "probe", version: "probe" }), headers) : await client.get(url.href, headers);
    await response.readBody();
    const status = response.message.statusCode ?? 0;
    return status > 0 && status < 500 ? void 0 : `the cache service answered HTTP ${status}`;
  } catch (error) {
    return `the cache service did not answer (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    client.dispose();
  }
}
__name(probeCacheService, "probeCacheService");
function withSlash(url) {
  return url.endsWith("/") ? url : `${url}/`;
}
__name(withSlash, "withSlash");

// src/backend/actions.ts
var actionsCache;
function loadActionsCache() {
  actionsCache ??= import("./chunk-MIP2K3MU.js");
  return actionsCache;
}
__name(loadActionsCache, "loadActionsCache");
var ActionsCacheBackend = class {
  static {
    __name(this, "ActionsCacheBackend");
  }
  name = "actions";
  static async isAvailable() {
    if (!process.env.ACTIONS_CACHE_URL && !process.env.ACTIONS_RESULTS_URL) return false;
    const cache = await loadActionsCache();
    return typeof cache.isFeatureAvailable === "function" && cache.isFeatureAvailable();
  }
  async restore(paths, key, restoreKeys) {
    const problem = await probeCacheService();
    if (problem) return { matchedKey: void 0, problem };
    try {
      const cache = await loadActionsCache();
      return { matchedKey: await cache.restoreCache(paths, key, restoreKeys) };
    } catch (error) {
      return { matchedKey: void 0, problem: errorMessage(error) };
    }
  }
  async save(paths, key) {
    const problem = await probeCacheService();
    if (problem) return { status: "failed", message: problem };
    try {
      const cache = await loadActionsCache();
      const cacheId = await cache.saveCache(paths, key);
      if (cacheId !== -1) return { status: "saved" };
      return { status: "exists", message: "the cache service did not take the entry (see the log above)" };
    } catch (error) {
      return { status: "failed", message: errorMessage(error) };
    }
  }
};

// src/backend/choose.ts
async function chooseBackend(choice, localCacheDir, platform) {
  const useActions = choice === "actions" || choice === "auto" && await ActionsCacheBackend.isAvailable();
  if (useActions) return new ActionsCacheBackend();
  return new LocalCacheBackend(localCacheDir ?? defaultLocalCacheDir(platform), readCacheScope(platform.env));
}
__name(chooseBackend, "chooseBackend");
function defaultLocalCacheDir(platform) {
  return joinPath(platform.os)(userCacheDir(platform), "pypi-cache-action");
}
__name(defaultLocalCacheDir, "defaultLocalCacheDir");

// src/installers/installers.ts
import { rm as rm2 } from "node:fs/promises";

// src/system/command.ts
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join as join2 } from "node:path";
function findOnPath(name, env = process.env) {
  const extensions = process.platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const folder of (env.PATH ?? env.Path ?? "").split(delimiter)) {
    if (folder === "") continue;
    for (const extension of extensions) {
      const candidate = join2(folder, name + extension);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
      }
    }
  }
  return void 0;
}
__name(findOnPath, "findOnPath");
function runCommand(file, args, options = {}) {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 6e4, windowsHide: true },
      (error, stdout, stderr) => {
        const code = error ? typeof error.code === "number" ? error.code : 1 : 0;
        resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
      }
    );
  });
}
__name(runCommand, "runCommand");

// src/installers/pip-config.ts
import { closeSync, existsSync as existsSync2, openSync, readSync } from "node:fs";
import { posix as posix2, win32 as win322 } from "node:path";
function pipConfigMayApply(platform, pipExecutable, exists = existsSync2) {
  if (platform.env.PIP_CONFIG_FILE) return true;
  const prefix = pythonPrefix(pipExecutable, platform.os);
  if (prefix === void 0) return true;
  return pipConfigFiles(platform, prefix).some(exists);
}
__name(pipConfigMayApply, "pipConfigMayApply");
function pipConfigFiles(platform, prefix) {
  const { os, env, home } = platform;
  if (os === "win32") {
    const join10 = win322.join;
    return [
      join10(env.ProgramData || "C:\\ProgramData", "pip", "pip.ini"),
      join10(env.APPDATA || join10(home, "AppData", "Roaming"), "pip", "pip.ini"),
      join10(home, "pip", "pip.ini"),
      join10(prefix, "pip.ini")
    ];
  }
  const join9 = posix2.join;
  const siteDirs = (env.XDG_CONFIG_DIRS || "/etc/xdg").split(":").filter(Boolean);
  return [
    ...siteDirs.map((dir) => join9(dir, "pip", "pip.conf")),
    "/etc/pip.conf",
    "/Library/Application Support/pip/pip.conf",
    join9(env.XDG_CONFIG_HOME || join9(home, ".config"), "pip", "pip.conf"),
    join9(home, "Library", "Application Support", "pip", "pip.conf"),
    join9(home, ".pip", "pip.conf"),
    join9(prefix, "pip.conf")
  ];
}
__name(pipConfigFiles, "pipConfigFiles");
function pythonPrefix(pipExecutable, os) {
  if (os === "win32") return win322.dirname(win322.dirname(pipExecutable));
  const firstLine = readFirstLine(pipExecutable);
  if (firstLine === void 0) return void 0;
  if (!firstLine.startsWith("#!")) return posix2.dirname(posix2.dirname(pipExecutable));
  const interpreter = firstLine.slice(2).trim().split(/\s+/)[0] ?? "";
  if (!interpreter.startsWith("/") || !/^python/.test(posix2.basename(interpreter))) return void 0;
  return posix2.dirname(posix2.dirname(interpreter));
}
__name(pythonPrefix, "pythonPrefix");
function readFirstLine(path) {
  try {
    const fd = openSync(path, "r");
    try {
      const buffer = Buffer.alloc(512);
      const length = readSync(fd, buffer, 0, buffer.length, 0);
      return buffer.subarray(0, length).toString("latin1").split("\n")[0];
    } finally {
      closeSync(fd);
    }
  } catch {
    return void 0;
  }
}
__name(readFirstLine, "readFirstLine");

// src/installers/installers.ts
var fileName = /* @__PURE__ */ __name((path) => path.slice(path.lastIndexOf("/") + 1), "fileName");
var PIP = {
  name: "pip",
  cacheDirVariable: "PIP_CACHE_DIR",
  claimsFile: /* @__PURE__ */ __name((path) => /^(requirements.*|constraints.*)\.txt$/.test(fileName(path)) || path.includes("requirements/"), "claimsFile"),
  executables: ["pip", "pip3"],
  cacheDirArgs: ["cache", "dir"],
  defaultCacheDir: /* @__PURE__ */ __name((platform) => platform.os === "win32" ? joinPath(platform.os)(userCacheDir(platform), "pip", "Cache") : joinPath(platform.os)(userCacheDir(platform), "pip"), "defaultCacheDir"),
  surelyDefaultCacheDir: /* @__PURE__ */ __name((platform, executable) => !pipConfigMayApply(platform, executable), "surelyDefaultCacheDir"),
  // pip's cache: http/ and http-v2/ hold downloaded files (refetchable), wheels/ holds wheels
  // pip built from sdists (expensive to redo). See pip's src/pip/_internal/cache.py.
  prune: /* @__PURE__ */ __name(async (cacheDir) => {
    const join9 = joinPath(process.platform);
    await Promise.all(
      ["http", "http-v2"].map((part) => rm2(join9(cacheDir, part), { recursive: true, force: true }))
    );
    return "removed the downloaded files (http, http-v2), kept locally built wheels";
  }, "prune")
};
var UV = {
  name: "uv",
  cacheDirVariable: "UV_CACHE_DIR",
  claimsFile: /* @__PURE__ */ __name((path) => fileName(path) === "uv.lock", "claimsFile"),
  executables: ["uv"],
  cacheDirArgs: ["cache", "dir"],
  // uv uses XDG folders on macOS too: https://docs.astral.sh/uv/concepts/cache/#cache-directory
  defaultCacheDir: /* @__PURE__ */ __name((platform) => {
    const join9 = joinPath(platform.os);
    if (platform.os === "win32") return join9(userCacheDir(platform), "uv", "cache");
    return join9(platform.env.XDG_CACHE_HOME || join9(platform.home, ".cache"), "uv");
  }, "defaultCacheDir"),
  // `uv cache prune --ci` keeps wheels built from source and drops downloaded ones:
  // https://docs.astral.sh/uv/concepts/cache/#caching-in-continuous-integration
  prune: /* @__PURE__ */ __name(async (cacheDir, env) => {
    const uv = findExecutable(UV, env);
    if (!uv) return "skipped: uv is not on PATH";
    const result = await runCommand(uv, ["cache", "prune", "--ci"], {
      env: { ...env, UV_CACHE_DIR: cacheDir }
    });
    if (result.code !== 0) throw new Error(`uv cache prune --ci failed: ${result.stderr.trim()}`);
    return "ran uv cache prune --ci";
  }, "prune")
};
var INSTALLERS = [PIP, UV];
function selectInstallers(choice, dependencyFiles, env) {
  if (choice === "pip") return [PIP];
  if (choice === "uv") return [UV];
  const selected = INSTALLERS.filter(
    (installer) => dependencyFiles.some(installer.claimsFile) || findExecutable(installer, env) !== void 0
  );
  return selected.length > 0 ? selected : [PIP];
}
__name(selectInstallers, "selectInstallers");
function findExecutable(installer, env) {
  for (const name of installer.executables) {
    const found = findOnPath(name, env);
    if (found) return found;
  }
  return void 0;
}
__name(findExecutable, "findExecutable");

// src/key/dependency-files.ts
import { readdirSync, statSync } from "node:fs";
import { join as join3 } from "node:path";

// src/key/glob-pattern.ts
var import_picomatch = __toESM(require_picomatch2(), 1);
function validateGlobPattern(pattern) {
  const body = pattern.startsWith("!") ? pattern.slice(1) : pattern;
  if (body === "") return "it is empty";
  if (body.includes("\0")) return "it contains a NUL character";
  if (/^([A-Za-z]:)?[\\/]/.test(body)) return "it must be relative to the workspace, not absolute";
  if (body.split(/[\\/]/).includes("..")) return "it must not leave the workspace with '..'";
  return unbalanced(body);
}
__name(validateGlobPattern, "validateGlobPattern");
function unbalanced(pattern) {
  const open = [];
  const pairs = { "]": "[", "}": "{", ")": "(" };
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") {
      i++;
    } else if (char === "[" || char === "{" || char === "(") {
      open.push(char);
    } else if (char in pairs) {
      if (open.pop() !== pairs[char]) return `'${char}' has no matching '${pairs[char]}'`;
    }
  }
  return open.length > 0 ? `'${open[open.length - 1]}' is never closed` : void 0;
}
__name(unbalanced, "unbalanced");
function compileGlobs(patterns) {
  const options = { dot: true };
  const include = patterns.filter((p) => !p.startsWith("!")).map(toPosix);
  const exclude = patterns.filter((p) => p.startsWith("!")).map((p) => toPosix(p.slice(1)));
  const included = include.length > 0 ? (0, import_picomatch.default)(include, options) : () => false;
  const excluded = exclude.length > 0 ? (0, import_picomatch.default)(exclude, options) : () => false;
  return (path) => included(path) && !excluded(path);
}
__name(compileGlobs, "compileGlobs");
function toPosix(pattern) {
  return pattern.replace(/\\(?![*?[\]{}()!])/g, "/").replace(/^\.\//, "");
}
__name(toPosix, "toPosix");

// src/key/dependency-files.ts
var DEFAULT_DEPENDENCY_FILES = [
  "**/requirements*.txt",
  "**/requirements/*.txt",
  "**/constraints*.txt",
  "**/uv.lock",
  "**/pylock*.toml",
  "**/poetry.lock",
  "**/Pipfile.lock",
  "**/pdm.lock",
  "**/pyproject.toml",
  "**/setup.cfg",
  "**/setup.py"
];
var SKIPPED_FOLDERS = /* @__PURE__ */ new Set([
  ".git",
  "node_modules",
  ".venv",
  "venv",
  ".tox",
  ".nox",
  "__pycache__",
  "__pypackages__",
  "site-packages",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache"
]);
function findDependencyFiles(workspace, patterns) {
  const matches = compileGlobs(patterns);
  const found = [];
  const pending = [""];
  for (let relative = pending.pop(); relative !== void 0; relative = pending.pop()) {
    const entries = readFolder(join3(workspace, relative));
    if (relative !== "" && entries.some((entry) => entry.name === "pyvenv.cfg")) continue;
    for (const entry of entries) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) pending.push(path);
      } else if (matches(path) && isFile(workspace, path, entry)) {
        found.push(path);
      }
    }
  }
  return found.sort();
}
__name(findDependencyFiles, "findDependencyFiles");
function readFolder(path) {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch {
    return [];
  }
}
__name(readFolder, "readFolder");
function isFile(workspace, path, entry) {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(join3(workspace, path)).isFile();
  } catch {
    return false;
  }
}
__name(isFile, "isFile");

// src/key/generation.ts
function generationPrefix(key) {
  return `${key}~g`;
}
__name(generationPrefix, "generationPrefix");
function generationKey(key, generation) {
  return `${generationPrefix(key)}${generation}`;
}
__name(generationKey, "generationKey");
function generationOf(key, matchedKey) {
  const prefix = generationPrefix(key);
  if (!matchedKey?.startsWith(prefix)) return void 0;
  const rest = matchedKey.slice(prefix.length);
  return /^[1-9]\d{0,8}$/.test(rest) ? Number(rest) : void 0;
}
__name(generationOf, "generationOf");

// src/proxy/launcher.ts
import { spawn } from "node:child_process";
import { existsSync as existsSync3, openSync as openSync2, readFileSync as readFileSync2 } from "node:fs";
import { mkdir as mkdir2, readFile as readFile3 } from "node:fs/promises";
import { Agent, get } from "node:http";
import { join as join5 } from "node:path";

// src/proxy/store/wheelhouse-record.ts
import { lstat, readFile as readFile2, realpath, rename as rename2, rm as rm3, writeFile as writeFile2 } from "node:fs/promises";
import { join as join4 } from "node:path";
var RECORD = "wheelhouse.json";
async function usedDistributionFiles(storeDir, manifest) {
  const used = new Set(manifest.files);
  const found = [];
  for (const { upstream, project } of manifest.pages) {
    const stored = await readJson(storeDir, () => pageRelativePath(upstream, project));
    for (const file of stored?.page.files ?? []) {
      if (file.direct || !isValidFileName(file.filename)) continue;
      const sha256 = file.hashes.sha256 ?? (await readText(storeDir, () => nameRelativePath(upstream, project, file.filename)))?.trim();
      if (sha256 && used.has(sha256) && await storedFile(storeDir, sha256))
        found.push({ upstream, project, filename: file.filename, sha256 });
    }
  }
  return found;
}
__name(usedDistributionFiles, "usedDistributionFiles");
async function storedFile(storeDir, sha256) {
  if (!isSha256Hex(sha256)) return void 0;
  const path = pathInside(storeDir, fileRelativePath(sha256));
  try {
    const [info2, real, root] = await Promise.all([lstat(path), realpath(path), realpath(storeDir)]);
    return info2.isFile() && real === join4(root, fileRelativePath(sha256)) ? path : void 0;
  } catch {
    return void 0;
  }
}
__name(storedFile, "storedFile");
async function writeWheelhouseRecord(storeDir, record) {
  const target = pathInside(storeDir, RECORD);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await writeFile2(temp, `${JSON.stringify(record)}
`);
    await rename2(temp, target);
  } catch (error) {
    await rm3(temp, { force: true });
    throw error;
  }
}
__name(writeWheelhouseRecord, "writeWheelhouseRecord");
async function removeWheelhouseRecord(storeDir) {
  await rm3(pathInside(storeDir, RECORD), { force: true });
}
__name(removeWheelhouseRecord, "removeWheelhouseRecord");
async function readWheelhouseRecord(storeDir, key) {
  const record = await readJson(storeDir, () => RECORD);
  if (record?.version !== 1 || record.key !== key || !Array.isArray(record.files)) return void 0;
  const valid = record.files.every(
    (file) => isValidUpstreamName(file.upstream) && isNormalizedProjectName(file.project) && isValidFileName(file.filename) && isSha256Hex(file.sha256)
  );
  return valid ? record : void 0;
}
__name(readWheelhouseRecord, "readWheelhouseRecord");
async function readText(storeDir, relativePath) {
  try {
    return await readFile2(pathInside(storeDir, relativePath()), "utf8");
  } catch {
    return void 0;
  }
}
__name(readText, "readText");
async function readJson(storeDir, relativePath) {
  const text = await readText(storeDir, relativePath);
  try {
    return text === void 0 ? void 0 : JSON.parse(text);
  } catch {
    return void 0;
  }
}
__name(readJson, "readJson");

// src/proxy/launcher.ts
var PROXY_NODE_FLAGS = ["--max-semi-space-size=1"];
async function launchProxy(options) {
  await mkdir2(options.workDir, { recursive: true });
  const files = {
    ready: join5(options.workDir, `ready-${process.pid}`),
    outputFile: join5(options.workDir, "proxy-output.log"),
    accessLog: join5(options.workDir, "access-log.jsonl"),
    manifestFile: join5(options.workDir, "manifest.json")
  };
  const args = [
    PROXY_NODE_FLAGS,
    options.loaderFlags ?? [],
    options.script,
    ["--store", options.storeDir],
    (options.allowFileHosts ?? []).flatMap((host) => ["--allow-file-host", host]),
    [
      "--host",
      options.host,
      "--port",
      formatPorts(typeof options.port === "number" ? [options.port] : options.port)
    ],
    ["--index-policy", options.indexPolicy],
    ["--ready-file", files.ready, "--log", files.accessLog, "--manifest", files.manifestFile],
    options.pinsFile ? ["--pins", options.pinsFile] : [],
    options.intercept ? ["--intercept", options.intercept.caFile] : [],
    options.intercept?.lockedHashesFile ? ["--locked-hashes", options.intercept.lockedHashesFile] : [],
    (options.intercept?.mirrors ?? []).flatMap((name) => ["--intercept-upstream", name])
  ].flat();
  const pid = await spawnDaemon(
    args,
    { ...options.env, [UPSTREAMS_ENV]: options.upstreams.join("\n") },
    {
      ready: files.ready,
      outputFile: files.outputFile,
      timeoutMs: options.readyTimeoutMs
    }
  );
  const url = (await readFile3(files.ready, "utf8")).trim();
  const health = await getJson(`${url}/-/health`);
  if (health?.status !== "ok") throw new Error(`the proxy at ${url} does not answer its health check`);
  return { pid, url, ...files };
}
__name(launchProxy, "launchProxy");
async function launchTunnelRelay(options) {
  const ready = join5(options.workDir, `relay-ready-${process.pid}`);
  const outputFile = join5(options.workDir, "relay-output.log");
  const args = [
    options.loaderFlags ?? [],
    options.script,
    ["--tunnel-relay", "--host", options.host, "--port", String(options.port), "--ready-file", ready]
  ].flat();
  const pid = await spawnDaemon(args, options.env, { ready, outputFile, timeoutMs: options.readyTimeoutMs });
  return { pid, url: (await readFile3(ready, "utf8")).trim(), outputFile };
}
__name(launchTunnelRelay, "launchTunnelRelay");
var ProxyStartError = class extends Error {
  constructor(message, exitCode) {
    super(message);
    this.exitCode = exitCode;
  }
  exitCode;
  static {
    __name(this, "ProxyStartError");
  }
};
async function spawnDaemon(args, env, files) {
  const output = openSync2(files.outputFile, "a");
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ["ignore", output, output],
    env,
    windowsHide: true
  });
  let exited;
  let exitCode;
  child.once("exit", (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
    exitCode = code ?? void 0;
  });
  child.once("error", (error) => {
    exited = error.message;
  });
  child.unref();
  const deadline = Date.now() + (files.timeoutMs ?? 2e4);
  while (!existsSync3(files.ready)) {
    if (exited || Date.now() > deadline) {
      if (!exited && child.pid) killQuietly(child.pid, "SIGKILL");
      throw new ProxyStartError(
        `the proxy did not start (${exited ?? "no answer in time"}): ${tail(files.outputFile)}`,
        exitCode
      );
    }
    await sleep(25);
  }
  return child.pid ?? 0;
}
__name(spawnDaemon, "spawnDaemon");
function isProxyProcess(pid, storeDir) {
  let argv;
  try {
    argv = readFileSync2(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return !existsSync3("/proc/self/cmdline");
  }
  const store = argv.indexOf("--store");
  return store > 0 && argv[store + 1] === storeDir && argv.some((arg) => /proxy\.([cm]?js|ts)$/.test(arg));
}
__name(isProxyProcess, "isProxyProcess");
var STOP_TIMEOUT_MS = DEFAULT_SHUTDOWN_GRACE_MS + 3e3;
async function stopProxy(pid, timeoutMs = STOP_TIMEOUT_MS, storeDir) {
  if (!isRunning(pid)) return "not-running";
  if (storeDir !== void 0 && !isProxyProcess(pid, storeDir)) return "not-ours";
  killQuietly(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      if (storeDir === void 0 || isProxyProcess(pid, storeDir)) killQuietly(pid, "SIGKILL");
      return "killed";
    }
    await sleep(50);
  }
  return "stopped";
}
__name(stopProxy, "stopProxy");
var QUERY_TIMEOUT_MS = 2e3;
var MAX_QUERY_ANSWER_BYTES = 16 * (1 << 20);
function fetchProxyStats(url, timeoutMs = QUERY_TIMEOUT_MS) {
  return getJson(`${url}/-/stats`, timeoutMs);
}
__name(fetchProxyStats, "fetchProxyStats");
function fetchProxyManifest(url, timeoutMs = QUERY_TIMEOUT_MS) {
  return getJson(`${url}/-/manifest`, timeoutMs);
}
__name(fetchProxyManifest, "fetchProxyManifest");
function getJson(url, timeoutMs = 1e4) {
  return new Promise((resolve) => {
    let request;
    const timer = setTimeout(() => {
      request?.destroy();
      resolve(void 0);
    }, timeoutMs);
    const settle = /* @__PURE__ */ __name((value) => {
      clearTimeout(timer);
      resolve(value);
    }, "settle");
    try {
      const agent = new Agent({ proxyEnv: null });
      request = get(url, { agent }, (response) => {
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299) {
          response.resume();
          settle(void 0);
          return;
        }
        const chunks = [];
        let bytes = 0;
        response.on("data", (chunk) => {
          bytes += chunk.length;
          if (bytes > MAX_QUERY_ANSWER_BYTES) {
            request?.destroy();
            settle(void 0);
            return;
          }
          chunks.push(chunk);
        });
        response.on("error", () => settle(void 0));
        response.on("end", () => settle(parseJson(Buffer.concat(chunks).toString("utf8"))));
      });
      request.on("error", () => settle(void 0));
    } catch {
      settle(void 0);
    }
  });
}
__name(getJson, "getJson");
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return void 0;
  }
}
__name(parseJson, "parseJson");
function killQuietly(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
  }
}
__name(killQuietly, "killQuietly");
function tail(file, lines = 10) {
  try {
    return readFileSync2(file, "utf8").trim().split(/\r?\n/).slice(-lines).join("\n") || "(no output)";
  } catch {
    return "(no output)";
  }
}
__name(tail, "tail");
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
__name(sleep, "sleep");

// src/action/inputs.ts
var InputError = class extends Error {
  static {
    __name(this, "InputError");
  }
  constructor(input, message) {
    super(`Input '${input}': ${message}`);
    this.name = "InputError";
  }
};
function loadInputs() {
  return parseInputs((name) => getInput(name));
}
__name(loadInputs, "loadInputs");
function parseInputs(read) {
  return {
    installer: oneOf(read, "installer", { auto: "auto", pip: "pip", uv: "uv" }, "auto"),
    dependencyFiles: parseDependencyFiles(read("dependency-files")),
    pythonVersion: parsePythonVersion(read("python-version")),
    keyPrefix: parseKeyPart("key-prefix", read("key-prefix").trim() || "pypi-cache"),
    keySuffix: parseKeyPart("key-suffix", read("key-suffix").trim()),
    restoreFallback: parseBoolean(read, "restore-fallback", true),
    save: oneOf(
      read,
      "save",
      { true: "always", false: "never", "default-branch": "default-branch" },
      "always"
    ),
    prune: oneOf(read, "prune", { auto: "auto", true: "on", false: "off" }, "auto"),
    cacheBackend: oneOf(read, "cache-backend", { auto: "auto", actions: "actions", local: "local" }, "auto"),
    localCacheDir: read("local-cache-dir").trim() || void 0,
    proxy: parseBoolean(read, "proxy", false),
    proxyMode: oneOf(read, "proxy-mode", { auto: "auto", index: "index", intercept: "intercept" }, "auto"),
    indexUrl: parseIndexUrl("index-url", read("index-url").trim()),
    extraIndexUrls: parseExtraIndexUrls(read("extra-index-urls")),
    interceptHosts: parseInterceptHosts(read("intercept-hosts")),
    allowFileHosts: parseAllowFileHosts(read("allow-file-hosts")),
    proxyHost: parseProxyHost(read("proxy-host").trim() || "127.0.0.1"),
    proxyPort: parseProxyPort(read("proxy-port").trim())
  };
}
__name(parseInputs, "parseInputs");
function oneOf(read, name, choices, fallback) {
  const raw = read(name).trim();
  if (raw === "") return fallback;
  const value = choices[raw.toLowerCase()];
  if (value === void 0) {
    throw new InputError(name, `'${raw}' is not one of: ${Object.keys(choices).join(", ")}.`);
  }
  return value;
}
__name(oneOf, "oneOf");
function parseBoolean(read, name, fallback) {
  return oneOf(read, name, { true: "true", false: "false" }, fallback ? "true" : "false") === "true";
}
__name(parseBoolean, "parseBoolean");
function parseDependencyFiles(raw) {
  const patterns = raw.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
  if (patterns.length === 0) return DEFAULT_DEPENDENCY_FILES;
  for (const pattern of patterns) {
    const problem = validateGlobPattern(pattern);
    if (problem) throw new InputError("dependency-files", `'${pattern}' is not a valid glob: ${problem}.`);
  }
  return patterns;
}
__name(parseDependencyFiles, "parseDependencyFiles");
var PYTHON_VERSION = /^(pypy|graalpy)?(\d+)\.(\d+)(\.\d+)?(t)?$/i;
function parsePythonVersion(raw) {
  const value = raw.trim();
  if (value === "") return void 0;
  if (value.toLowerCase() === "none") return "none";
  const match = PYTHON_VERSION.exec(value);
  if (!match) {
    throw new InputError(
      "python-version",
      `'${value}' is not a Python version; use X.Y (e.g. 3.12), X.Y.Z, X.Yt, pypyX.Y, or none.`
    );
  }
  const [, implementation = "", major, minor, , freeThreaded = ""] = match;
  return `${implementation.toLowerCase()}${major}.${minor}${freeThreaded.toLowerCase()}`;
}
__name(parsePythonVersion, "parsePythonVersion");
var KEY_PART = /^[A-Za-z0-9._+=@-]*$/;
function parseKeyPart(name, value) {
  if (value.length > 128) throw new InputError(name, "must be at most 128 characters.");
  if (!KEY_PART.test(value)) {
    throw new InputError(
      name,
      `'${value}' may only contain letters, digits and . _ + = @ - (no commas or spaces).`
    );
  }
  return value;
}
__name(parseKeyPart, "parseKeyPart");
function parseIndexUrl(name, value) {
  if (value === "") return void 0;
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(name, `'${redact(value)}' is not a URL; use e.g. https://pypi.org/simple/.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InputError(name, `'${redact(value)}' must be an http:// or https:// URL.`);
  }
  if (url.search || url.hash)
    throw new InputError(name, `'${redact(value)}' must have no query or fragment.`);
  return value;
}
__name(parseIndexUrl, "parseIndexUrl");
var UPSTREAM_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
function parseExtraIndexUrls(raw) {
  const lines = raw.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
  const extras = lines.map((line, i) => {
    const named = /^([^=:/]+)=(.+)$/.exec(line);
    const name = named?.[1] ?? `extra${i + 1}`;
    if (!UPSTREAM_NAME.test(name) || ["simple", "files", "pypi"].includes(name)) {
      throw new InputError(
        "extra-index-urls",
        `'${name}' is not a usable index name: lowercase letters, digits, - and _ (not simple, files or pypi).`
      );
    }
    return { name, url: parseIndexUrl("extra-index-urls", named?.[2] ?? line) ?? "" };
  });
  const names = extras.map((extra) => extra.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new InputError("extra-index-urls", `the name '${twice}' is used twice.`);
  return extras;
}
__name(parseExtraIndexUrls, "parseExtraIndexUrls");
var HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;
function parseInterceptHosts(raw) {
  const hosts = raw.split(/[\s,]+/).map((item) => item.trim().toLowerCase()).filter((item) => item !== "" && !item.startsWith("#"));
  for (const host of hosts) {
    if (!HOST_NAME.test(host)) {
      throw new InputError(
        "intercept-hosts",
        `'${redact(host)}' is not a host name; list the hosts of index-url or extra-index-urls entries, e.g. mirror.example.com (or mirror.example.com:8443), one a line, no scheme or path.`
      );
    }
  }
  return [...new Set(hosts)];
}
__name(parseInterceptHosts, "parseInterceptHosts");
function parseAllowFileHosts(raw) {
  const hosts = raw.split(/\r?\n/).filter((line) => !line.trim().startsWith("#")).flatMap((line) => line.split(",")).map((host) => host.trim()).filter((host) => host !== "");
  for (const host of hosts) {
    if (isFileHostPattern(host)) continue;
    const urlHost = URL.canParse(host) ? new URL(host).hostname : "";
    throw new InputError(
      "allow-file-hosts",
      `'${redact(host)}' is not a host; use a host name (files.example.com), *.example.com for its subdomains, or an IP address, one a line or comma-separated${urlHost ? ` (here: ${urlHost})` : ""}.`
    );
  }
  return [...new Set(hosts.map((host) => host.toLowerCase()))];
}
__name(parseAllowFileHosts, "parseAllowFileHosts");
function parseProxyHost(value) {
  if (!/^[A-Za-z0-9.:-]+$/.test(value)) {
    throw new InputError(
      "proxy-host",
      `'${value}' is not an address; use 127.0.0.1 (default), 0.0.0.0 or an interface address.`
    );
  }
  return value;
}
__name(parseProxyHost, "parseProxyHost");
function parseProxyPort(value) {
  if (value === "") return void 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InputError(
      "proxy-port",
      `'${value}' is not a port; leave it empty (a stable default), or use 0 (any free port) to 65535.`
    );
  }
  return port;
}
__name(parseProxyPort, "parseProxyPort");
var redact = redactIndexUrl;

// src/action/job-https-proxy.ts
var JobHttpsProxyError = class extends Error {
  static {
    __name(this, "JobHttpsProxyError");
  }
};
function readJobHttpsProxy(env) {
  const recorded = env[OUTBOUND_PROXY_ENV] !== void 0;
  const variable = recorded ? OUTBOUND_PROXY_ENV : ["HTTPS_PROXY", "https_proxy"].find((name) => env[name]?.trim());
  if (!variable || !env[variable]?.trim()) return void 0;
  const url = env[variable].trim();
  let parsed;
  try {
    parsed = new URL(url.includes("://") ? url : `http://${url}`);
  } catch {
  }
  if (parsed && (parsed.username || parsed.password)) {
    setSecret(url);
    if (parsed.password) {
      setSecret(parsed.password);
      const decoded = safeDecode(parsed.password);
      if (decoded) setSecret(decoded);
    }
  }
  const display = parsed ? `${parsed.protocol}//${parsed.host}` : "(not a URL)";
  const scheme = parsed?.protocol;
  if (!parsed || scheme !== "http:" && scheme !== "https:" || parsed.pathname !== "/" && parsed.pathname !== "" || parsed.search || parsed.hash) {
    throw new JobHttpsProxyError(
      `the job's ${variable} (${display}) is not a proxy the cache's daemon can send its connections through: it takes http://[user:password@]host:port or https://[user:password@]host:port (CONNECT; an https:// proxy's certificate checked against the roots the job trusts).`
    );
  }
  const noProxy = env[OUTBOUND_NO_PROXY_ENV] ?? env.NO_PROXY ?? env.no_proxy ?? "";
  return { url, display, noProxy };
}
__name(readJobHttpsProxy, "readJobHttpsProxy");
function daemonOutboundEnv(proxy) {
  return proxy ? { [OUTBOUND_PROXY_ENV]: proxy.url, [OUTBOUND_NO_PROXY_ENV]: proxy.noProxy } : {};
}
__name(daemonOutboundEnv, "daemonOutboundEnv");
function stepsOutboundEnv(proxy) {
  return { [OUTBOUND_PROXY_ENV]: "", [OUTBOUND_NO_PROXY_ENV]: "", ...daemonOutboundEnv(proxy) };
}
__name(stepsOutboundEnv, "stepsOutboundEnv");
function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return void 0;
  }
}
__name(safeDecode, "safeDecode");

// src/system/private-folder.ts
import { lstatSync, realpathSync as realpathSync2 } from "node:fs";
import { lstat as lstat2, mkdir as mkdir3 } from "node:fs/promises";
import { basename, dirname, join as join6 } from "node:path";
var PrivateFolderError = class extends Error {
  static {
    __name(this, "PrivateFolderError");
  }
  constructor(path, found) {
    super(
      `the action's folder ${path} ${found}; it accepts only a directory (not a symlink) owned by this user (uid ${process.getuid?.()}) and writable by no one else (no other group, not others). Remove it or set RUNNER_TEMP to a folder of your own.`
    );
    this.name = "PrivateFolderError";
  }
};
var UnsafeTempDirError = class extends Error {
  static {
    __name(this, "UnsafeTempDirError");
  }
  constructor(path, folder, found) {
    super(
      `the action's folder ${path} is in ${folder}, which ${found}: another user could swap the folder for a symlink after it is checked. Folders above it must be owned by root or this user (uid ${process.getuid?.()}), with the sticky bit if others may write them (as /tmp); set TMPDIR or RUNNER_TEMP to a folder of your own.`
    );
    this.name = "UnsafeTempDirError";
  }
};
async function ensurePrivateFolder(path, options = {}) {
  await mkdir3(dirname(path), { recursive: true });
  if (options.shared) await checkFoldersAbove(path);
  await mkdir3(path, { mode: 448 }).catch((error) => {
    if (error.code !== "EEXIST") throw error;
  });
  await checkPrivateFolder(path);
}
__name(ensurePrivateFolder, "ensurePrivateFolder");
async function checkPrivateFolder(path, options = {}) {
  const uid = process.getuid?.();
  if (uid === void 0) return;
  if (options.shared) await checkFoldersAbove(path);
  const found = await lstat2(path);
  if (found.isSymbolicLink()) throw new PrivateFolderError(path, "is a symlink");
  if (!found.isDirectory()) throw new PrivateFolderError(path, "exists and is not a directory");
  if (found.uid !== uid) throw new PrivateFolderError(path, `is owned by uid ${found.uid}`);
  const mode = (found.mode & 511).toString(8);
  if (found.mode & 2) throw new PrivateFolderError(path, `is writable by others (mode ${mode})`);
  if (found.mode & 16 && found.gid !== process.getgid?.()) {
    throw new PrivateFolderError(path, `is writable by group ${found.gid} (mode ${mode})`);
  }
}
__name(checkPrivateFolder, "checkPrivateFolder");
async function checkFoldersAbove(path) {
  const uid = process.getuid?.();
  if (uid === void 0) return;
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    const found = await lstat2(folder);
    const problem = unsafeFolderAbove(found, uid);
    if (problem) throw new UnsafeTempDirError(path, folder, problem);
    if (dirname(folder) === folder) return;
  }
}
__name(checkFoldersAbove, "checkFoldersAbove");
function unsafeFolderAbove(found, uid) {
  const mode = (found.mode & 4095).toString(8);
  if (found.isSymbolicLink()) return "is a symlink";
  if (found.uid !== 0 && found.uid !== uid) return `is owned by uid ${found.uid}`;
  const sticky = (found.mode & 512) !== 0;
  if (found.mode & 2 && !sticky) return `is writable by others without the sticky bit (mode ${mode})`;
  if (found.mode & 16 && !sticky && found.gid !== process.getgid?.()) {
    return `is writable by group ${found.gid} without the sticky bit (mode ${mode})`;
  }
  return void 0;
}
__name(unsafeFolderAbove, "unsafeFolderAbove");
function resolvedPath(path) {
  try {
    return realpathSync2.native(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    if (isSymlink(path)) return path;
    return join6(resolvedPath(parent), basename(path));
  }
}
__name(resolvedPath, "resolvedPath");
function isSymlink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
__name(isSymlink, "isSymlink");
function perUserName(name) {
  const uid = process.getuid?.();
  return uid === void 0 ? name : `${name}-${uid}`;
}
__name(perUserName, "perUserName");

// src/action/job-folders.ts
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
function jobFolderRoot(platform) {
  return jobTempFolder(platform.env, "pypi-cache-action", platform.os);
}
__name(jobFolderRoot, "jobFolderRoot");
function jobTempFolder(env, name, os = process.platform) {
  return env.RUNNER_TEMP ? joinPath(os)(env.RUNNER_TEMP, name) : joinPath(os)(sharedJobFolder(os).job, name);
}
__name(jobTempFolder, "jobTempFolder");
function inSharedTempDir(env) {
  return !env.RUNNER_TEMP;
}
__name(inSharedTempDir, "inSharedTempDir");
var sharedFolders;
function sharedJobFolder(os) {
  if (!sharedFolders) {
    const user = joinPath(os)(resolvedPath(tmpdir()), perUserName("pypi-cache-action"));
    sharedFolders = { user, job: joinPath(os)(user, `job-${randomBytes(6).toString("hex")}`) };
  }
  return sharedFolders;
}
__name(sharedJobFolder, "sharedJobFolder");
async function ensureJobFolder(path, env) {
  if (inSharedTempDir(env)) {
    const { user, job } = sharedJobFolder(process.platform);
    await ensurePrivateFolder(user, { shared: true });
    await ensurePrivateFolder(job, { shared: true });
  }
  await ensurePrivateFolder(path, { shared: inSharedTempDir(env) });
}
__name(ensureJobFolder, "ensureJobFolder");
function installerFolder(installer, platform) {
  const named = platform.env[installer.cacheDirVariable]?.trim();
  if (named) return { owner: installer.name, path: named, owned: false };
  return {
    owner: installer.name,
    path: joinPath(platform.os)(jobFolderRoot(platform), installer.name),
    owned: true
  };
}
__name(installerFolder, "installerFolder");
function proxyStoreFolder(platform) {
  return { owner: "proxy", path: joinPath(platform.os)(jobFolderRoot(platform), "proxy-store"), owned: true };
}
__name(proxyStoreFolder, "proxyStoreFolder");

// src/action/job-proxy.ts
import { existsSync as existsSync4 } from "node:fs";
import { mkdir as mkdir4, readFile as readFile4, writeFile as writeFile3 } from "node:fs/promises";
import { dirname as dirname2, join as join7 } from "node:path";
import { fileURLToPath as fileURLToPath2 } from "node:url";
var DEFAULT_INDEX_URL = "https://pypi.org/simple/";
function resolveUpstreams(indexUrl, extras, env) {
  const primary = indexUrl ?? jobIndexUrl(env) ?? DEFAULT_INDEX_URL;
  const credentials = {};
  const indexes = [{ name: "pypi", url: primary }, ...extras];
  const specs = indexes.map(({ name, url }) => {
    for (const secret of indexUrlSecrets(url)) setSecret(secret);
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      credentials[credentialsEnvName(name)] = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
      parsed.username = "";
      parsed.password = "";
    }
    return `${name}=${parsed.toString()}`;
  });
  const keyParts = indexes.map(({ name, url }) => `${name}=${indexUrlForKey(url)}`);
  return { specs, keyParts, extras, credentials };
}
__name(resolveUpstreams, "resolveUpstreams");
function jobIndexUrl(env) {
  for (const variable of ["PIP_INDEX_URL", "UV_DEFAULT_INDEX"]) {
    const value = env[variable]?.trim();
    if (!value) continue;
    try {
      const url = new URL(value);
      if (url.protocol === "http:" || url.protocol === "https:") return value;
    } catch {
    }
    throw new InputError(
      "index-url",
      `it is empty, so the job's ${variable} would be the upstream, but that is not an http(s) URL.`
    );
  }
  return void 0;
}
__name(jobIndexUrl, "jobIndexUrl");
async function startJobProxy(options) {
  const workDir = jobProxyWorkDir(options.env);
  await ensureJobFolder(workDir, options.env);
  const pinsFile = join7(workDir, "pins.json");
  const caFile = join7(workDir, "job-ca.pem");
  const intercept = options.intercept && {
    caFile,
    mirrors: options.intercept.mirrors,
    lockedHashesFile: await writeLockedHashes(
      join7(workDir, "locked-hashes.json"),
      options.intercept.lockedUrls
    )
  };
  const launched = await launchProxy({
    ...proxyDaemonScript(import.meta.url),
    storeDir: options.storeDir,
    upstreams: options.upstreams.specs,
    allowFileHosts: options.allowFileHosts,
    host: options.host,
    port: options.port,
    indexPolicy: options.policy,
    workDir,
    env: { ...options.env, ...options.upstreams.credentials, ...daemonOutboundEnv(options.outbound) },
    pinsFile: await writePins(pinsFile, options.pins),
    intercept
  });
  const url = launched.url.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:");
  return {
    pid: launched.pid,
    url,
    storeDir: options.storeDir,
    outputFile: launched.outputFile,
    manifestFile: launched.manifestFile,
    policy: options.policy,
    mode: intercept ? "intercept" : "index",
    listenHost: options.host,
    ...intercept ? { caCertPem: await readFile4(caFile, "utf8") } : {}
  };
}
__name(startJobProxy, "startJobProxy");
function jobProxyWorkDir(env) {
  return jobTempFolder(env, "pypi-cache-proxy");
}
__name(jobProxyWorkDir, "jobProxyWorkDir");
async function writeLockedHashes(path, locked) {
  if (Object.keys(locked).length === 0) return void 0;
  await mkdir4(dirname2(path), { recursive: true });
  await writeFile3(path, JSON.stringify({ files: locked }));
  return path;
}
__name(writeLockedHashes, "writeLockedHashes");
function proxyDaemonScript(moduleUrl) {
  const bundled = fileURLToPath2(new URL("./proxy.js", moduleUrl));
  if (!moduleUrl.endsWith(".ts") && existsSync4(bundled)) return { script: bundled, loaderFlags: [] };
  return {
    script: fileURLToPath2(new URL("../cli/proxy.ts", moduleUrl)),
    loaderFlags: process.execArgv
  };
}
__name(proxyDaemonScript, "proxyDaemonScript");
async function writePins(path, pins) {
  if (Object.keys(pins).length === 0) return void 0;
  await mkdir4(dirname2(path), { recursive: true });
  await writeFile3(path, JSON.stringify({ projects: pins }));
  return path;
}
__name(writePins, "writePins");
function describeUpstreams(upstreams) {
  return upstreams.specs.map((spec) => {
    const eq = spec.indexOf("=");
    return `${spec.slice(0, eq)}=${redactIndexUrl(spec.slice(eq + 1))}`;
  }).join(", ");
}
__name(describeUpstreams, "describeUpstreams");
function installerEnvironment(url, extras, env) {
  const host = new URL(url).host;
  const trusted = [env.PIP_TRUSTED_HOST, host].filter(Boolean).join(" ");
  const exported = {
    PIP_INDEX_URL: `${url}/simple/`,
    // pip caches HTTP responses only from https or trusted hosts (pip's network/session.py).
    PIP_TRUSTED_HOST: trusted,
    UV_DEFAULT_INDEX: `${url}/simple/`
  };
  if (extras.length > 0) {
    exported.PIP_EXTRA_INDEX_URL = extras.map((extra) => `${url}/${extra.name}/simple/`).join(" ");
    exported.UV_INDEX = extras.map((extra) => `${extra.name}=${url}/${extra.name}/simple/`).join(" ");
  }
  return exported;
}
__name(installerEnvironment, "installerEnvironment");
var STOP_BOUNDS = { queryTimeoutMs: QUERY_TIMEOUT_MS, stopTimeoutMs: STOP_TIMEOUT_MS };
async function stopJobProxy(state, bounds = STOP_BOUNDS) {
  const [stats, liveManifest] = await Promise.all([
    fetchProxyStats(state.url, bounds.queryTimeoutMs),
    fetchProxyManifest(state.url, bounds.queryTimeoutMs)
  ]);
  const stopped = await stopProxy(state.pid, bounds.stopTimeoutMs, state.storeDir);
  if (state.mode === "intercept") await relayTunnels(state);
  const manifest = existsSync4(state.manifestFile) ? await readManifest(state.manifestFile).catch(() => liveManifest) : liveManifest;
  return {
    stats,
    manifest,
    problem: stopProblem(state, stopped, stats !== void 0, bounds.stopTimeoutMs)
  };
}
__name(stopJobProxy, "stopJobProxy");
async function relayTunnels(state) {
  const outbound = process.env[OUTBOUND_PROXY_ENV];
  if (outbound) {
    process.env.HTTPS_PROXY = outbound;
    process.env.https_proxy = outbound;
  }
  const { hostname, port } = new URL(state.url);
  try {
    const relay = await launchTunnelRelay({
      ...proxyDaemonScript(import.meta.url),
      host: state.listenHost ?? hostname.replace(/^\[|\]$/g, ""),
      port: Number(port),
      workDir: dirname2(state.outputFile),
      env: process.env
    });
    info(
      `Tunnel relay on ${relay.url} (pid ${relay.pid}): later steps' HTTPS_PROXY keeps working until the job ends.`
    );
  } catch (error) {
    warning(
      `Could not keep ${state.url} tunnelling for the steps after this one (${error.message}); an HTTPS request of theirs through HTTPS_PROXY may fail.`
    );
  }
}
__name(relayTunnels, "relayTunnels");
function stopProblem(state, stopped, answered, stopTimeoutMs = STOP_TIMEOUT_MS) {
  const output = tail(state.outputFile, 5);
  if (stopped === "killed") {
    return `the proxy did not exit within ${stopTimeoutMs / 1e3} s of SIGTERM and was killed${answered ? "" : " (it did not answer either)"}: ${output}`;
  }
  const blast = state.mode === "intercept" ? `; HTTPS_PROXY pointed at ${state.url}, so every HTTPS request of the steps after it stopped failed, not only installs (git, curl, other actions' downloads); from this step on, a tunnel relay keeps that address working` : "";
  if (stopped === "not-ours") {
    return `the proxy stopped during the job (pid ${state.pid} is now another process, left alone)${blast}: ${output}`;
  }
  if (stopped === "not-running" || !answered) return `the proxy stopped during the job${blast}: ${output}`;
  return void 0;
}
__name(stopProblem, "stopProblem");

// src/action/state.ts
var MAIN_STATE = "main";
function saveMainState(state) {
  saveState(MAIN_STATE, JSON.stringify(state));
}
__name(saveMainState, "saveMainState");
function loadMainState() {
  const raw = getState(MAIN_STATE);
  return raw ? JSON.parse(raw) : void 0;
}
__name(loadMainState, "loadMainState");

// src/action/wheelhouse.ts
import { createHash as createHash2 } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, copyFile, link, mkdir as mkdir5, rm as rm4 } from "node:fs/promises";
import { join as join8 } from "node:path";
function missingPin(pins, files) {
  const have = new Set(files.map((file) => `${file.project} ${versionInFileName(file.filename)}`));
  return pins.find((pin) => !pin.conditional && !have.has(`${pin.project} ${pin.version}`));
}
__name(missingPin, "missingPin");
function versionInFileName(filename) {
  if (filename.endsWith(".whl")) return (filename.split("-")[1] ?? "").toLowerCase();
  const stem = filename.replace(/\.(tar\.gz|tar\.bz2|tar\.xz|zip|tgz)$/i, "");
  return stem.slice(stem.lastIndexOf("-") + 1).toLowerCase();
}
__name(versionInFileName, "versionInFileName");
function projectInFileName(filename) {
  const stem = filename.endsWith(".whl") ? filename.split("-")[0] ?? "" : filename.replace(/\.(tar\.gz|tar\.bz2|tar\.xz|zip|tgz)$/i, "").replace(/-[^-]*$/, "");
  return stem.toLowerCase().replace(/[-_.]+/g, "-");
}
__name(projectInFileName, "projectInFileName");
async function offerWheelhouse(options) {
  await rm4(options.folder, { recursive: true, force: true });
  if (!options.cacheHit) return { reason: "no exact hit, so the store may lack files this lockfile needs" };
  if (!options.requirements.pinned)
    return { reason: `not every requirement is pinned: ${options.requirements.reason}` };
  const record = await readWheelhouseRecord(options.storeDir, options.key);
  if (!record) {
    return {
      reason: "the entry records no complete set of files for this key (the job that saved it did not get a stored file for every pinned requirement through the proxy)"
    };
  }
  const missing = missingPin(options.requirements.pins, record.files);
  if (missing) return { reason: `the entry holds no file for ${missing.project}==${missing.version}` };
  const byName = /* @__PURE__ */ new Map();
  for (const file of record.files) {
    if ((byName.get(file.filename) ?? file.sha256) !== file.sha256)
      return { reason: `two different files are named ${file.filename}` };
    if (projectInFileName(file.filename) !== file.project)
      return { reason: `the record lists ${file.filename} for ${file.project}, a file of another project` };
    byName.set(file.filename, file.sha256);
  }
  await mkdir5(options.folder, { recursive: true });
  for (const [filename, sha256] of byName) {
    const problem = await linkVerified(options.storeDir, sha256, options.folder, filename);
    if (problem) {
      await rm4(options.folder, { recursive: true, force: true });
      return { reason: problem };
    }
  }
  return {
    offered: { path: options.folder, files: record.files },
    reason: `${byName.size} stored files linked into ${options.folder}`
  };
}
__name(offerWheelhouse, "offerWheelhouse");
async function linkVerified(storeDir, sha256, folder, filename) {
  const source = await storedFile(storeDir, sha256);
  if (!source) return `the store lacks ${filename}`;
  const target = join8(folder, filename);
  let linked = true;
  try {
    await link(source, target);
  } catch {
    linked = false;
    await copyFile(source, target);
  }
  if (await sha256OfFile(target) !== sha256)
    return `the stored bytes of ${filename} do not match its sha256 ${sha256} (a damaged or altered entry)`;
  if (linked) await chmod(target, 292);
  return void 0;
}
__name(linkVerified, "linkVerified");
async function removeAlteredWheelhouseFiles(storeDir, files) {
  const altered = [];
  for (const file of files) {
    const path = await storedFile(storeDir, file.sha256);
    if (!path || await sha256OfFile(path) === file.sha256) continue;
    await rm4(path, { force: true });
    altered.push(file.filename);
  }
  return altered;
}
__name(removeAlteredWheelhouseFiles, "removeAlteredWheelhouseFiles");
async function sha256OfFile(path) {
  const hash = createHash2("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest("hex");
}
__name(sha256OfFile, "sha256OfFile");
async function recordWheelhouse(options) {
  const skip = /* @__PURE__ */ __name(async (reason) => {
    await removeWheelhouseRecord(options.storeDir);
    return `Wheelhouse: not recorded for the next job: ${reason}.`;
  }, "skip");
  if (!options.pins) return skip("not every requirement is pinned");
  if (options.bypass) return skip(options.bypass);
  if (!options.manifest) return skip("the proxy left no record of what the job used");
  const files = await usedDistributionFiles(options.storeDir, options.manifest);
  const missing = missingPin(options.pins, files);
  if (missing) return skip(`the store holds no file for ${missing.project}==${missing.version}`);
  await writeWheelhouseRecord(options.storeDir, { version: 1, key: options.key, files });
  return `Wheelhouse: recorded ${files.length} files for the next job with this key.`;
}
__name(recordWheelhouse, "recordWheelhouse");
function withWheelhouseFiles(manifest, files) {
  const pages = new Map(manifest.pages.map((page) => [`${page.upstream}/${page.project}`, page]));
  for (const { upstream, project } of files) pages.set(`${upstream}/${project}`, { upstream, project });
  return {
    ...manifest,
    files: [.../* @__PURE__ */ new Set([...manifest.files, ...files.map((file) => file.sha256)])],
    pages: [...pages.values()]
  };
}
__name(withWheelhouseFiles, "withWheelhouseFiles");

export {
  readCacheMode,
  currentPlatform,
  osKeyName,
  readDefaultBranch,
  LocalCacheBackend,
  chooseBackend,
  findOnPath,
  runCommand,
  INSTALLERS,
  selectInstallers,
  findDependencyFiles,
  generationPrefix,
  generationKey,
  generationOf,
  ProxyStartError,
  InputError,
  loadInputs,
  JobHttpsProxyError,
  readJobHttpsProxy,
  stepsOutboundEnv,
  checkPrivateFolder,
  jobFolderRoot,
  inSharedTempDir,
  ensureJobFolder,
  installerFolder,
  proxyStoreFolder,
  resolveUpstreams,
  startJobProxy,
  jobProxyWorkDir,
  describeUpstreams,
  installerEnvironment,
  stopJobProxy,
  saveMainState,
  loadMainState,
  offerWheelhouse,
  removeAlteredWheelhouseFiles,
  recordWheelhouse,
  withWheelhouseFiles,
  isEntryModule
};

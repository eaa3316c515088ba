import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  __name
} from "./chunk-WTG47EWH.js";

// src/proxy/pages/pages.ts
var PageFormatError = class extends Error {
  static {
    __name(this, "PageFormatError");
  }
};
var KNOWN_FILE_KEYS = /* @__PURE__ */ new Set([
  "filename",
  "url",
  "hashes",
  "requires-python",
  "core-metadata",
  "dist-info-metadata",
  "data-dist-info-metadata",
  "yanked",
  "size",
  "upload-time",
  "gpg-sig"
]);
var KNOWN_PAGE_KEYS = /* @__PURE__ */ new Set(["meta", "name", "files", "versions"]);
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
__name(isRecord, "isRecord");
function stringRecord(value) {
  const out = {};
  if (!isRecord(value)) return out;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === "string")
      out[key.toLowerCase()] = key.toLowerCase() === "sha256" ? entry.toLowerCase() : entry;
  }
  return out;
}
__name(stringRecord, "stringRecord");
function absoluteFileUrl(href, pageUrl) {
  let url;
  try {
    url = new URL(href, pageUrl);
  } catch {
    return void 0;
  }
  url.hash = "";
  url.username = "";
  url.password = "";
  return url.toString();
}
__name(absoluteFileUrl, "absoluteFileUrl");
function parseCoreMetadata(value) {
  if (value === true) return true;
  if (isRecord(value)) {
    const hashes = stringRecord(value);
    return Object.keys(hashes).length > 0 ? hashes : true;
  }
  return void 0;
}
__name(parseCoreMetadata, "parseCoreMetadata");
function parseJsonFile(raw, pageUrl) {
  if (!isRecord(raw) || typeof raw.filename !== "string" || typeof raw.url !== "string") return void 0;
  const extra = {};
  for (const [key, value] of Object.entries(raw)) if (!KNOWN_FILE_KEYS.has(key)) extra[key] = value;
  const coreMetadata = parseCoreMetadata(raw["core-metadata"] ?? raw["dist-info-metadata"]);
  const url = absoluteFileUrl(raw.url, pageUrl);
  if (url === void 0) return void 0;
  const file = {
    filename: raw.filename,
    url,
    hashes: stringRecord(raw.hashes),
    extra
  };
  if (typeof raw["requires-python"] === "string") file.requiresPython = raw["requires-python"];
  if (coreMetadata) file.coreMetadata = coreMetadata;
  if (raw.yanked === true || typeof raw.yanked === "string" && raw.yanked !== "") file.yanked = raw.yanked;
  else if (typeof raw.yanked === "string") file.yanked = true;
  if (typeof raw.size === "number" && Number.isSafeInteger(raw.size) && raw.size >= 0) file.size = raw.size;
  if (typeof raw["upload-time"] === "string") file.uploadTime = raw["upload-time"];
  if (typeof raw["gpg-sig"] === "boolean") file.gpgSig = raw["gpg-sig"];
  return file;
}
__name(parseJsonFile, "parseJsonFile");
function parseJsonPage(body, pageUrl, fallbackName) {
  let raw;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    throw new PageFormatError(`upstream page is not valid JSON: ${error.message}`);
  }
  if (!isRecord(raw) || !Array.isArray(raw.files))
    throw new PageFormatError("upstream JSON page has no files list");
  const extra = {};
  for (const [key, value] of Object.entries(raw)) if (!KNOWN_PAGE_KEYS.has(key)) extra[key] = value;
  const page = {
    name: typeof raw.name === "string" ? raw.name : fallbackName,
    meta: isRecord(raw.meta) ? raw.meta : { "api-version": "1.0" },
    files: raw.files.flatMap((file) => parseJsonFile(file, pageUrl) ?? []),
    extra
  };
  if (Array.isArray(raw.versions))
    page.versions = raw.versions.filter((v) => typeof v === "string");
  return page;
}
__name(parseJsonPage, "parseJsonPage");
function parseJsonProjectList(body) {
  let raw;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    throw new PageFormatError(`upstream index is not valid JSON: ${error.message}`);
  }
  if (!isRecord(raw) || !Array.isArray(raw.projects))
    throw new PageFormatError("upstream JSON index has no projects");
  const projects = raw.projects.flatMap(
    (entry) => isRecord(entry) && typeof entry.name === "string" ? [entry.name] : []
  );
  return { meta: isRecord(raw.meta) ? raw.meta : { "api-version": "1.0" }, projects };
}
__name(parseJsonProjectList, "parseJsonProjectList");
function renderJsonFile(file, href) {
  const out = { filename: file.filename, url: href(file), hashes: file.hashes };
  if (file.requiresPython !== void 0) out["requires-python"] = file.requiresPython;
  if (file.coreMetadata !== void 0) out["core-metadata"] = file.coreMetadata;
  if (file.gpgSig !== void 0) out["gpg-sig"] = file.gpgSig;
  if (file.yanked !== void 0) out.yanked = file.yanked;
  if (file.size !== void 0) out.size = file.size;
  if (file.uploadTime !== void 0) out["upload-time"] = file.uploadTime;
  return { ...file.extra, ...out };
}
__name(renderJsonFile, "renderJsonFile");
function renderJsonPage(page, href) {
  const out = {
    ...page.extra,
    meta: page.meta,
    name: page.name,
    files: page.files.map((file) => renderJsonFile(file, href))
  };
  if (page.versions !== void 0) out.versions = page.versions;
  return JSON.stringify(out);
}
__name(renderJsonPage, "renderJsonPage");
function renderJsonProjectList(list) {
  return JSON.stringify({ meta: list.meta, projects: list.projects.map((name) => ({ name })) });
}
__name(renderJsonProjectList, "renderJsonProjectList");
function hashFragment(hashes) {
  const name = hashes.sha256 !== void 0 ? "sha256" : Object.keys(hashes)[0];
  return name === void 0 ? "" : `#${name}=${hashes[name]}`;
}
__name(hashFragment, "hashFragment");
function apiVersion(meta) {
  return typeof meta["api-version"] === "string" ? meta["api-version"] : "1.0";
}
__name(apiVersion, "apiVersion");

// src/proxy/pages/html-entities.ts
var ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\xA0" };
var REFERENCE = /&(#x[0-9a-f]{1,8}|#[0-9]{1,10}|[a-z]{1,32});/gi;
function decodeEntities(text) {
  if (!text.includes("&")) return text;
  return text.replace(REFERENCE, (whole, body) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return code > 0 && code <= 1114111 ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}
__name(decodeEntities, "decodeEntities");
function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
__name(escapeHtml, "escapeHtml");

// src/proxy/pages/html-scanner.ts
var KEPT = {
  a: [
    "href",
    "data-requires-python",
    "data-core-metadata",
    "data-dist-info-metadata",
    "data-yanked",
    "data-gpg-sig"
  ],
  base: ["href"],
  meta: ["name", "content"]
};
var KEPT_TAGS = Object.keys(KEPT);
var NO_ATTRIBUTES = Object.freeze({});
var SPACE_CLASS = 1;
var NAME_END_CLASS = 2;
var CLASS = new Uint8Array(128);
for (const code of [9, 10, 12, 13, 32]) CLASS[code] = SPACE_CLASS;
for (const char of ">/=<") CLASS[char.charCodeAt(0)] = NAME_END_CLASS;
var GT = 62;
var SLASH = 47;
var EQUALS = 61;
var BANG = 33;
var QUESTION = 63;
var DOUBLE_QUOTE = 34;
var SINGLE_QUOTE = 39;
function isSpace(code) {
  return code < 128 && CLASS[code] === SPACE_CLASS;
}
__name(isSpace, "isSpace");
function isNameCode(code) {
  return code >= 128 || code >= 0 && CLASS[code] === 0;
}
__name(isNameCode, "isNameCode");
function isLetterCode(code) {
  const lower = code | 32;
  return lower >= 97 && lower <= 122;
}
__name(isLetterCode, "isLetterCode");
function isWord(html, start, end, word) {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((html.charCodeAt(start + k) | 32) !== word.charCodeAt(k)) return false;
  }
  return true;
}
__name(isWord, "isWord");
function keptTag(html, start, end) {
  for (const tag of KEPT_TAGS) if (isWord(html, start, end, tag)) return tag;
  return void 0;
}
__name(keptTag, "keptTag");
function keptAttribute(names, html, start, end) {
  for (const name of names) if (isWord(html, start, end, name)) return name;
  return void 0;
}
__name(keptAttribute, "keptAttribute");
function readTag(html, start) {
  const length = html.length;
  let i = start + 1;
  const closing = html.charCodeAt(i) === SLASH;
  if (closing) i++;
  const nameStart = i;
  while (i < length && isNameCode(html.charCodeAt(i))) i++;
  const name = keptTag(html, nameStart, i);
  const wanted = name && !closing ? KEPT[name] : void 0;
  let attributes;
  while (i < length) {
    const code = html.charCodeAt(i);
    if (code === GT) return { name, closing, attributes: attributes ?? NO_ATTRIBUTES, end: i + 1 };
    if (code < 128 && CLASS[code] !== 0) {
      i++;
      continue;
    }
    const attrStart = i;
    while (i < length && isNameCode(html.charCodeAt(i))) i++;
    const attrEnd = i;
    let j = i;
    while (isSpace(html.charCodeAt(j))) j++;
    let valueStart = -1;
    let valueEnd = -1;
    if (html.charCodeAt(j) === EQUALS) {
      j++;
      while (isSpace(html.charCodeAt(j))) j++;
      const quote = html.charCodeAt(j);
      if (quote === DOUBLE_QUOTE || quote === SINGLE_QUOTE) {
        const close = html.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", j + 1);
        if (close < 0) return void 0;
        valueStart = j + 1;
        valueEnd = close;
        i = close + 1;
      } else {
        valueStart = j;
        while (j < length && !isSpace(html.charCodeAt(j)) && html.charCodeAt(j) !== GT) j++;
        valueEnd = j;
        i = j;
      }
    }
    const kept = wanted && keptAttribute(wanted, html, attrStart, attrEnd);
    if (kept && attributes?.[kept] === void 0) {
      attributes ??= {};
      attributes[kept] = valueStart < 0 ? "" : decodeEntities(html.slice(valueStart, valueEnd));
    }
  }
  return void 0;
}
__name(readTag, "readTag");
function skipDeclaration(html, start) {
  if (html.startsWith("<!--", start)) {
    const close2 = html.indexOf("-->", start + 4);
    return close2 < 0 ? html.length : close2 + 3;
  }
  const close = html.indexOf(">", start + 2);
  return close < 0 ? html.length : close + 1;
}
__name(skipDeclaration, "skipDeclaration");
function scanHtml(html) {
  const scanned = { anchors: [] };
  let openAttributes;
  let openText;
  const addText = /* @__PURE__ */ __name((text) => {
    if (openText) openText.push(text);
    else openText = [text];
  }, "addText");
  const closeAnchor = /* @__PURE__ */ __name((closedProperly) => {
    if (!openAttributes) return;
    const text = closedProperly && openText ? decodeEntities(openText.join("")).trim() : "";
    if (text !== "" || openAttributes.href !== void 0)
      scanned.anchors.push({ attributes: openAttributes, text });
    openAttributes = void 0;
    openText = void 0;
  }, "closeAnchor");
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    const textEnd = lt < 0 ? html.length : lt;
    if (openAttributes && textEnd > i) addText(html.slice(i, textEnd));
    if (lt < 0) break;
    const next = html.charCodeAt(lt + 1);
    if (next === BANG || next === QUESTION) {
      i = skipDeclaration(html, lt);
      continue;
    }
    if (!isLetterCode(next) && next !== SLASH) {
      if (openAttributes) addText("<");
      i = lt + 1;
      continue;
    }
    const tag = readTag(html, lt);
    if (!tag) break;
    i = tag.end;
    if (tag.name === "a") {
      if (tag.closing) closeAnchor(true);
      else {
        closeAnchor(false);
        openAttributes = tag.attributes;
      }
    } else if (!tag.closing && tag.name === "base") {
      scanned.baseHref ??= tag.attributes.href;
    } else if (!tag.closing && tag.name === "meta") {
      if (tag.attributes.name === "pypi:repository-version")
        scanned.repositoryVersion = tag.attributes.content;
    }
  }
  closeAnchor(false);
  return scanned;
}
__name(scanHtml, "scanHtml");

// src/proxy/pages/html-page.ts
function hashesFromFragment(href) {
  const fragment = href.split("#")[1];
  if (!fragment) return {};
  const [name, value] = fragment.split("=");
  if (!name || !value) return {};
  return { [name.toLowerCase()]: name.toLowerCase() === "sha256" ? value.toLowerCase() : value };
}
__name(hashesFromFragment, "hashesFromFragment");
function metadataFromAttribute(value) {
  if (value === void 0) return void 0;
  const [name, digest] = value.split("=");
  if (name && digest)
    return { [name.toLowerCase()]: name.toLowerCase() === "sha256" ? digest.toLowerCase() : digest };
  return true;
}
__name(metadataFromAttribute, "metadataFromAttribute");
function fileNameOfUrl(url) {
  try {
    return decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  } catch {
    return "";
  }
}
__name(fileNameOfUrl, "fileNameOfUrl");
function fileFromAnchor(anchor, baseUrl) {
  const href = anchor.attributes.href;
  if (!href) return void 0;
  const url = absoluteFileUrl(href, baseUrl);
  if (url === void 0) return void 0;
  const filename = anchor.text || fileNameOfUrl(url);
  if (!filename) return void 0;
  const file = { filename, url, hashes: hashesFromFragment(href), extra: {} };
  const requiresPython = anchor.attributes["data-requires-python"];
  if (requiresPython) file.requiresPython = requiresPython;
  const coreMetadata = metadataFromAttribute(
    anchor.attributes["data-core-metadata"] ?? anchor.attributes["data-dist-info-metadata"]
  );
  if (coreMetadata) file.coreMetadata = coreMetadata;
  const yanked = anchor.attributes["data-yanked"];
  if (yanked !== void 0) file.yanked = yanked === "" ? true : yanked;
  const gpgSig = anchor.attributes["data-gpg-sig"];
  if (gpgSig !== void 0) file.gpgSig = gpgSig === "true";
  return file;
}
__name(fileFromAnchor, "fileFromAnchor");
function parseHtmlPage(html, pageUrl, name) {
  const scanned = scanHtml(html);
  const baseUrl = scanned.baseHref && absoluteFileUrl(scanned.baseHref, pageUrl) || pageUrl;
  return {
    name,
    meta: { "api-version": scanned.repositoryVersion ?? "1.0" },
    files: scanned.anchors.flatMap((anchor) => fileFromAnchor(anchor, baseUrl) ?? []),
    extra: {}
  };
}
__name(parseHtmlPage, "parseHtmlPage");
function parseHtmlProjectList(html) {
  const scanned = scanHtml(html);
  return {
    meta: { "api-version": scanned.repositoryVersion ?? "1.0" },
    projects: scanned.anchors.map((anchor) => anchor.text).filter((text) => text !== "")
  };
}
__name(parseHtmlProjectList, "parseHtmlProjectList");
function metadataAttribute(coreMetadata) {
  if (coreMetadata === void 0) return "";
  const fragment = coreMetadata === true ? "" : hashFragment(coreMetadata).slice(1);
  return ` data-core-metadata="${escapeHtml(fragment || "true")}"`;
}
__name(metadataAttribute, "metadataAttribute");
function renderAnchor(file, href) {
  let attributes = ` href="${escapeHtml(href(file) + hashFragment(file.hashes))}"`;
  if (file.requiresPython !== void 0)
    attributes += ` data-requires-python="${escapeHtml(file.requiresPython)}"`;
  attributes += metadataAttribute(file.coreMetadata);
  if (file.gpgSig !== void 0) attributes += ` data-gpg-sig="${file.gpgSig}"`;
  if (file.yanked !== void 0)
    attributes += ` data-yanked="${file.yanked === true ? "" : escapeHtml(file.yanked)}"`;
  return `    <a${attributes}>${escapeHtml(file.filename)}</a><br />`;
}
__name(renderAnchor, "renderAnchor");
function htmlDocument(title, version, body) {
  return [
    "<!DOCTYPE html>",
    "<html>",
    "  <head>",
    `    <meta name="pypi:repository-version" content="${escapeHtml(version)}">`,
    `    <title>${escapeHtml(title)}</title>`,
    "  </head>",
    "  <body>",
    `    <h1>${escapeHtml(title)}</h1>`,
    ...body,
    "  </body>",
    "</html>",
    ""
  ].join("\n");
}
__name(htmlDocument, "htmlDocument");
function renderHtmlPage(page, href) {
  return htmlDocument(
    `Links for ${page.name}`,
    apiVersion(page.meta),
    page.files.map((file) => renderAnchor(file, href))
  );
}
__name(renderHtmlPage, "renderHtmlPage");
function renderHtmlProjectList(list, prefix, normalize) {
  return htmlDocument(
    "Simple index",
    apiVersion(list.meta),
    list.projects.map(
      (name) => `    <a href="${escapeHtml(`${prefix}${normalize(name)}/`)}">${escapeHtml(name)}</a><br />`
    )
  );
}
__name(renderHtmlProjectList, "renderHtmlProjectList");

export {
  escapeHtml,
  PageFormatError,
  parseJsonPage,
  parseJsonProjectList,
  renderJsonPage,
  renderJsonProjectList,
  parseHtmlPage,
  parseHtmlProjectList,
  renderHtmlPage,
  renderHtmlProjectList
};

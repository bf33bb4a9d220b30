// RFC 4180 CSV as mcp-server writes its data files: a header row, fields quoted when they hold a
// comma, a quote or a line break, quotes doubled. Only for the reference server's files.

// Text -> array of objects keyed by the header row.
export function parseCsv(textIn) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  const text = textIn.replace(/^\uFEFF/, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

const quote = (v) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

// Header and rows (arrays of strings) -> CSV text ending in a newline.
export function writeCsv(header, rows) {
  return [header, ...rows].map((r) => r.map((v) => quote(String(v))).join(',')).join('\n') + '\n';
}

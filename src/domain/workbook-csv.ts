import type { Grid, GridRow } from './workbook-sheets.ts';

/**
 * Reads CSV text (RFC 4180 quoting, CRLF or LF, comma, tab or semicolon separated) into the grid
 * the sheet readers take. Every field stays text; the cell readers parse it like a typed cell.
 */
export function parseCsv(text: string, name: string): Grid {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const counts = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length] as const);
  const delimiter = counts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const rows: GridRow[] = [];
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let line = 1;
  let rowStart = 1;
  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    if (fields.some((f) => f.trim() !== '')) {
      rows.push({
        row: rowStart,
        cells: fields.map((f) => (f.trim() === '' ? null : { value: f })),
      });
    }
    fields = [];
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"') {
        if (body[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field.trim() === '') {
      field = '';
      quoted = true;
    } else if (c === delimiter) endField();
    else if (c === '\r' && body[i + 1] === '\n') continue;
    else if (c === '\n' || c === '\r') {
      endRow();
      line++;
      rowStart = line;
    } else field += c;
  }
  if (field !== '' || fields.length > 0) endRow();
  return { name, rows };
}

// XML for the JUnit tests without the xmllint binary: schema validation by libxml2 compiled to
// WebAssembly (xmllint-wasm), XPath 1.0 queries on a DOM (@xmldom/xmldom, xpath).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import xpathQuery from 'xpath';
import { validateXML } from 'xmllint-wasm';

/** Validates an XML text against an XSD file: libxml2's complaints, none when it is valid. */
export async function schemaErrors(xml: string, xsdFile: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'report.xml', contents: xml }],
    schema: [{ fileName: basename(xsdFile), contents: readFileSync(xsdFile, 'utf8') }],
  });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}

/** The value of an XPath expression over an XML file, as text (use count() or string()). */
export function xpathOf(file: string, expr: string): string {
  const doc = new DOMParser().parseFromString(readFileSync(file, 'utf8'), 'text/xml');
  const value = xpathQuery.select(expr, doc as unknown as Node);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`XPath ${expr} selects nodes: wrap it in string() or count()`);
}

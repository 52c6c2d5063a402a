import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageInfo } from '../package-info.js';

/** The templates in the package's `templates/` folder that codegen renders. */
export type TemplateName = 'twin.ts.hbs' | 'stub-file.ts.hbs' | 'mini-test.ts.hbs';

type Render = (context: object) => string;

const compiled = new Map<TemplateName, Promise<Render>>();

/**
 * Renders one template (no HTML escaping: the output is TypeScript). Handlebars is loaded on first
 * use, in its own environment, and each template is compiled once. The result ends with one newline.
 */
export async function renderTemplate(name: TemplateName, context: object): Promise<string> {
  let render = compiled.get(name);
  if (!render) {
    render = compile(name);
    compiled.set(name, render);
  }
  return (await render)(context).trimEnd() + '\n';
}

async function compile(name: TemplateName): Promise<Render> {
  const [{ default: handlebars }, source] = await Promise.all([
    import('handlebars'),
    readFile(join(packageInfo().templatesDir, name), 'utf8'),
  ]);
  const template = handlebars.create().compile(source, { noEscape: true, strict: true });
  return (context) => template(context);
}

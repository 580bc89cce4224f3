/** The wheel shipped inside the .vsix for the private environment (setup/install.ts installs it). */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The newest `*.whl` in `<extension>/python-wheel`, or undefined when the vsix ships none. */
export function bundledWheel(extensionPath: string): string | undefined {
  const dir = path.join(extensionPath, 'python-wheel');
  if (!fs.existsSync(dir)) return undefined;
  const wheels = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.whl'))
    .sort();
  return wheels.length ? path.join(dir, wheels[wheels.length - 1]) : undefined;
}

// Compiles wasm/header-lines-wat.ts and writes src/message/header-lines.generated.ts
// (`pnpm run build:wasm`). test/header-lines-wasm.test.ts checks that the two agree.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileHeaderLines, generatedModuleText } from './compile-header-lines.js';

const target = fileURLToPath(new URL('../../../src/message/header-lines.generated.ts', import.meta.url));
writeFileSync(target, generatedModuleText(await compileHeaderLines()));
console.log(`wrote ${target}`);

// The root config, plus: scripts/ are plain Node helpers outside the TypeScript project (as in packages/db).
import root from '../../eslint.config.js';

export default [...root, { ignores: ['scripts/**'] }];

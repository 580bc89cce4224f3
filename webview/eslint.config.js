import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

// ESLint only lints below this folder; the tests in ../tests/webview are type-checked by `tsc` (tsconfig include).
export default tseslint.config(
  { ignores: ['dist', 'coverage', 'node_modules', 'src/protocol/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Record fields must never be inserted as HTML.
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render record fields as text.' },
        { selector: "MemberExpression[property.name='innerHTML']", message: 'Render record fields as text.' },
      ],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
);

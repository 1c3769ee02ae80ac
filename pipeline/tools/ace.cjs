// DAISY Ace's own command line (`@daisy/ace-cli`), with one difference: a content document whose
// verdict is already known is not opened in the browser again. Ace checks each content document in a
// page of its own (axe-core and Ace's own rules, nothing read from the other documents) and then
// consolidates those results with the package's checks (metadata, navigation, page list), which still
// run on every EPUB here. So a report made from known verdicts is the report of a full run.
//
// The environment tells it (see ace.py):
//   PRESSWORK_ACE_MODULES  the node_modules folder Ace is installed in
//   PRESSWORK_ACE_KNOWN    a JSON file: {member of the EPUB: Ace's result for that document}
//   PRESSWORK_ACE_FRESH    where to write the results of the documents it checked, in the same form
//   PRESSWORK_ACE_SKIP     a JSON list of members left to another shard: not checked, not reported
//   PRESSWORK_ACE_PROGRESS a file to write "done total" in as each document is checked
// The arguments are ace-cli's.
'use strict';

const fs = require('fs');
const path = require('path');

const modules = process.env.PRESSWORK_ACE_MODULES;
const load = name => require(require.resolve(name, { paths: [modules] }));
const chromium = load('@daisy/ace-core/lib/checker/checker-chromium.js');
const HERE = '{presswork:unzipped}'; // the unzipped EPUB's folder, in a kept result

const known = process.env.PRESSWORK_ACE_KNOWN ? JSON.parse(fs.readFileSync(process.env.PRESSWORK_ACE_KNOWN, 'utf8')) : {};
const check = chromium.check;

const skipped = new Set(JSON.parse(process.env.PRESSWORK_ACE_SKIP || '[]'));
const memberOf = (epub, doc) => path.relative(epub.basedir, doc.filepath).split(path.sep).join('/');

chromium.check = async (epub, lang, doNotReportMedia, axeRunner) => {
  epub.contentDocs = epub.contentDocs.filter(doc => !skipped.has(memberOf(epub, doc)));
  const documents = epub.contentDocs;
  const members = documents.map(doc => memberOf(epub, doc));
  const kept = members.map(member => (member in known ? JSON.parse(JSON.stringify(known[member]).split(HERE).join(epub.basedir)) : undefined));
  const wanted = documents.filter((doc, i) => kept[i] === undefined);
  let fresh = [];
  if (wanted.length > 0) {
    epub.contentDocs = wanted;
    const told = process.env.PRESSWORK_ACE_PROGRESS;
    const run = axeRunner.run;
    let done = 0;
    axeRunner.run = async function (...args) { // once for each document
      try {
        return await run.apply(this, args);
      } finally {
        done += 1;
        if (told) fs.writeFileSync(told, `${done} ${wanted.length}`);
      }
    };
    try {
      fresh = await check(epub, lang, doNotReportMedia, axeRunner);
    } finally {
      epub.contentDocs = documents;
    }
  }
  const written = {};
  let next = 0;
  const results = documents.map((doc, i) => {
    if (kept[i] !== undefined) return kept[i];
    const result = fresh[next++];
    written[members[i]] = JSON.parse(JSON.stringify(result).split(epub.basedir).join(HERE));
    return result;
  });
  if (process.env.PRESSWORK_ACE_FRESH) fs.writeFileSync(process.env.PRESSWORK_ACE_FRESH, JSON.stringify(written));
  return results;
};

(async () => {
  await load('@daisy/ace-cli/lib').run();
})();

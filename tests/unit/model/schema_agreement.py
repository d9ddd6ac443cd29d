#!/usr/bin/python3
"""The lab file's JSON Schema (`nswire schema`) against the parser, through an independent
validator (Debian's python3-jsonschema, documents loaded by python3-yaml):

- the schema is a valid draft-07 schema, and the committed copy (share/nswire/lab.schema.json,
  which the examples point at) is the generated one;
- every example and every valid corpus file passes it (the parser accepts them: model_corpus_unit
  and model_examples_unit), and every example names the schema on its first lines;
- every invalid corpus file that the parser refuses for a structural reason fails it too.

Structural, decided here by the parser's message (tests/data/invalid/NAME.expected): what a JSON
Schema can say about a document's shape - an unknown key, a value of the wrong type (map, list,
scalar, integer, boolean, empty), a missing required key, keys that exclude each other, a list's
length, a word an enumeration does not have (backend, expect, proto, patch, a backend's
setting, version). Not structural: YAML syntax and documents, a file that is not UTF-8 text, duplicate keys (a loaded document
no longer has them), the syntax inside a string (addresses, endpoints), ranges, names and every
rule between objects; the schema may catch some of them (its loose patterns), it need not.
"""
import argparse
import json
import pathlib
import re
import sys

import jsonschema
import yaml

STRUCTURAL = [
    r'unknown key "',
    r'must be a (map|list|scalar)',
    r'missing required key "',
    r'is not an integer',
    r'is not a boolean',
    r'needs a value',
    r'unsupported version',
    r'not both',
    r'needs "pid" or "path"',
    r'needs "from" and "to", or "mesh"',
    r'lists no nodes',
    r'empty lab file',
    r'the lab file must be a map',
    r'bad (backend|expect|proto|patch) "',
]
SCHEMA_LINE = re.compile(r'^# yaml-language-server: \$schema=(\S+)$', re.M)


def load(path):
    text = path.read_text()
    # A template's placeholder (seed004-attach-pid.yaml), as run-examples.sh fills it.
    return yaml.safe_load(text.replace('__PID__', '4242')), text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--schema', required=True, type=pathlib.Path)
    ap.add_argument('--committed', required=True, type=pathlib.Path)
    ap.add_argument('--examples', required=True, type=pathlib.Path)
    ap.add_argument('--corpus', required=True, type=pathlib.Path)
    a = ap.parse_args()

    failures = []
    schema = json.loads(a.schema.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    if a.committed.read_text() != a.schema.read_text():
        failures.append(f'{a.committed} is not the generated schema: run '
                        f'`nswire schema -o {a.committed}` (or copy {a.schema})')

    # A backend's settings are enumerations too: "ovs: bad datapath".
    settings = [f'{b}: bad {k} "' for b, section in schema['properties'].items()
                if 'Settings of the' in section.get('description', '')
                for k in section['properties']]
    structural = [re.compile(p) for p in STRUCTURAL + [re.escape(s) for s in settings]]

    valid = sorted(a.examples.glob('*.yaml')) + sorted((a.corpus / 'valid').glob('*.yaml'))
    for f in valid:
        doc, text = load(f)
        errors = [e.message for e in validator.iter_errors(doc)]
        if errors:
            failures.append(f'{f}: valid for the parser, refused by the schema: {errors[0]}')
        if f.parent == a.examples:
            m = SCHEMA_LINE.search(text)
            if not m:
                failures.append(f'{f}: no "# yaml-language-server: $schema=..." line')
            elif not (f.parent / m.group(1)).resolve() == a.committed.resolve():
                failures.append(f'{f}: $schema={m.group(1)} is not {a.committed}')

    counted = {'structural': 0, 'other': 0, 'other_refused': 0}
    for f in sorted((a.corpus / 'invalid').glob('*.yaml')):
        expected = f.with_suffix('.expected').read_text().splitlines()[0]
        try:
            f.read_bytes().decode('utf-8')
            text = True
        except UnicodeDecodeError:
            text = False  # a fuzzer's find: not a YAML stream an editor or python3-yaml reads
        if not text or not any(p.search(expected) for p in structural):
            counted['other'] += 1
            try:
                doc, _ = load(f)
                if not validator.is_valid(doc):
                    counted['other_refused'] += 1
            except (yaml.YAMLError, UnicodeDecodeError):
                pass
            continue
        counted['structural'] += 1
        try:
            doc, _ = load(f)
        except yaml.YAMLError as e:
            failures.append(f'{f}: structural, but python3-yaml cannot load it: {e}')
            continue
        if validator.is_valid(doc):
            failures.append(f'{f}: the parser refuses it ({expected}), the schema accepts it')

    print(f'schema: {len(valid)} valid files accepted; {counted["structural"]} structural corpus '
          f'files (each must be refused); {counted["other"]} other corpus files (the schema refuses '
          f'{counted["other_refused"]} of them too)')
    if counted['structural'] < 15:
        failures.append(f'only {counted["structural"]} structural corpus files: the classification is broken')
    for msg in failures:
        print('FAIL', msg)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
"""Checks the JSON Schema `slipway schema` prints with a real validator (python3-jsonschema).

usage: validate_schema.py SCHEMA valid FILE...   every file must be valid
       validate_schema.py SCHEMA invalid FILE... every file must be invalid
       validate_schema.py SCHEMA docs MARKDOWN... every whole slipway.yml in the ```yaml blocks must be valid

A ```yaml block is a whole slipway.yml when it parses to a mapping with `services:` or `databases:`
at its top level: that is what the decoder demands of a file, so a block without either is a
fragment showing one section (`notify:`, `api:`) and is skipped.

YAML is read as Slipway reads it (Yams): YAML 1.1 scalars (`yes`, `off` are booleans), merge keys
resolved, but mapping keys kept as the text written (`on:` is the key "on", not true) and dates as
text. Prints one line per file; exits 1 when any file is not as expected.
"""
import json
import re
import sys

import yaml
from jsonschema import Draft202012Validator


class SlipwayLoader(yaml.SafeLoader):
    pass


def construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)  # `<<: *anchor`, as the YAML merge spec says
    mapping = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else loader.construct_object(key_node, deep=deep)
        # Later wins: flatten_mapping puts merged pairs first, and what the mapping writes itself wins.
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


SlipwayLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
SlipwayLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: node.value)


def load(text):
    return yaml.load(text, Loader=SlipwayLoader)


def errors(validator, document):
    return sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))


def describe(error):
    path = ".".join(str(p) for p in error.absolute_path) or "(top level)"
    return f"{path}: {error.message}"


def yaml_blocks(markdown):
    for match in re.finditer(r"^```yaml\n(.*?)^```", markdown, re.S | re.M):
        line = markdown.count("\n", 0, match.start()) + 1
        yield line, match.group(1)


def main(argv):
    schema_path, mode, files = argv[1], argv[2], argv[3:]
    with open(schema_path) as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    failed = False
    checked = 0
    for path in files:
        with open(path) as f:
            text = f.read()
        if mode == "docs":
            for line, block in yaml_blocks(text):
                document = load(block)
                if not isinstance(document, dict) or not ({"services", "databases"} & set(document)):
                    print(f"skip {path}:{line}: a fragment (no services: or databases:)")
                    continue
                checked += 1
                found = errors(validator, document)
                if found:
                    failed = True
                    for error in found:
                        print(f"INVALID {path}:{line}: {describe(error)}")
                else:
                    print(f"valid {path}:{line}")
            continue
        checked += 1
        found = errors(validator, load(text))
        if mode == "valid" and found:
            failed = True
            for error in found:
                print(f"INVALID {path}: {describe(error)}")
        elif mode == "invalid" and not found:
            failed = True
            print(f"ACCEPTED {path}: the schema accepts a file the decoder refuses")
        else:
            print(f"{'valid' if mode == 'valid' else 'refused'} {path}" + (f": {describe(found[0])}" if found else ""))
    print(f"checked {checked}")
    return 1 if failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Validate JUnit XML files against tests/junit.xsd and check the counts add up.

Usage: check_junit.py SCHEMA FILE... ; prints "junit ok" and exits 0 when every file is valid.
"""
import sys
import xml.etree.ElementTree as ET

import xmlschema


def main() -> int:
    schema = xmlschema.XMLSchema(sys.argv[1])
    for path in sys.argv[2:]:
        schema.validate(path)
        root = ET.parse(path).getroot()
        for suite in root.iter("testsuite"):
            cases = suite.findall("testcase")
            failed = [c for c in cases if c.find("failure") is not None]
            assert int(suite.get("tests")) == len(cases), (path, "tests")
            assert int(suite.get("failures")) == len(failed), (path, "failures")
    print("junit ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

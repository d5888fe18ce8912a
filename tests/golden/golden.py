#!/usr/bin/python3
"""Golden tests for `vouch check`: each folder tests/golden/<case>/ holds
  message.eml     the message (LF or CRLF)
  args            command-line words for `vouch check` (shell quoting, '#' comments)
  zone            optional RFC 1035 zone answering every DNS query (no zone: an empty
                  one, so a case never touches the network)
  vouch.conf      optional configuration (passed as --config)
  expected.json   the JSON `vouch check` must print (compared as data: key order and
                  whitespace do not matter)
  expected_exit   optional exit status (default 0); with a non-zero status the JSON is
                  not compared and expected.json may be absent
Usage: golden.py --vouch BIN [--update] [CASE...]. --update rewrites expected.json from
what vouch prints now: review the diff before committing it.
"""
import argparse
import difflib
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_AUTHSERV_ID = "golden.vouch.test"


def read_args(path):
    words = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                words.extend(shlex.split(line))
    return words


def run_case(vouch, case_dir, empty_zone):
    words = read_args(os.path.join(case_dir, "args"))
    zone = os.path.join(case_dir, "zone")
    cmd = [vouch, "check", "--dns-file", zone if os.path.exists(zone) else empty_zone]
    conf = os.path.join(case_dir, "vouch.conf")
    if os.path.exists(conf):
        cmd += ["--config", conf]
    if "--authserv-id" not in words:
        cmd += ["--authserv-id", DEFAULT_AUTHSERV_ID]
    cmd += words + [os.path.join(case_dir, "message.eml")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return cmd, proc


def pretty(value):
    return json.dumps(value, indent=2, sort_keys=True).splitlines(keepends=True)


def check_case(vouch, name, update, empty_zone):
    case_dir = os.path.join(HERE, name)
    cmd, proc = run_case(vouch, case_dir, empty_zone)
    exit_file = os.path.join(case_dir, "expected_exit")
    want_exit = int(open(exit_file).read().strip()) if os.path.exists(exit_file) else 0
    if proc.returncode != want_exit:
        return "exit %d, want %d\n  command: %s\n  stderr: %s" % (
            proc.returncode, want_exit, shlex.join(cmd), proc.stderr.strip())
    if want_exit != 0:
        return None
    try:
        got = json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        return "output is not JSON (%s):\n%s" % (e, proc.stdout[:2000])
    expected_path = os.path.join(case_dir, "expected.json")
    if update:
        with open(expected_path, "w", encoding="utf-8") as f:
            f.write(proc.stdout if proc.stdout.endswith("\n") else proc.stdout + "\n")
        return None
    if not os.path.exists(expected_path):
        return "no expected.json (run with --update to create it)"
    with open(expected_path, encoding="utf-8") as f:
        want = json.load(f)
    if got == want:
        return None
    diff = "".join(difflib.unified_diff(pretty(want), pretty(got), "expected.json", "vouch check"))
    return "JSON differs\n  command: %s\n%s" % (shlex.join(cmd), diff)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vouch", default=os.environ.get("VOUCH_BIN"), help="the vouch executable")
    ap.add_argument("--update", action="store_true", help="rewrite expected.json files")
    ap.add_argument("cases", nargs="*", help="case folder names (default: all)")
    opts = ap.parse_args()
    if not opts.vouch or not os.access(opts.vouch, os.X_OK):
        print("golden: no vouch executable (--vouch or VOUCH_BIN)", file=sys.stderr)
        return 2
    names = opts.cases or sorted(
        d for d in os.listdir(HERE) if os.path.isfile(os.path.join(HERE, d, "message.eml")))
    if not names:
        print("golden: no cases found", file=sys.stderr)
        return 2
    failures = 0
    with tempfile.TemporaryDirectory(prefix="vouch-golden-") as tmp:
        empty_zone = os.path.join(tmp, "empty.zone")
        open(empty_zone, "w").close()
        for name in names:
            problem = check_case(opts.vouch, name, opts.update, empty_zone)
            if problem:
                failures += 1
                print("FAIL %s: %s" % (name, problem))
            else:
                print("%s %s" % ("updated" if opts.update else "ok", name))
    print("golden: %d case(s), %d failed" % (len(names), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

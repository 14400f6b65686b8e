#!/usr/bin/env python3
"""check_pages.py: the pages a run or ./lab docs writes, loaded in a real browser.

    check_pages.py [--expect PAGE=HOLDS|FAILS ...] PAGE.html...

For each page:
  - every link to a file resolves (the file is there, and so is the #fragment it names), and so
    does every image, a whole PNG (each chunk to IEND, its CRC right: a browser draws the top of
    a truncated PNG and gives it its natural width);
  - Chromium, headless, at a phone's width (390 x 844), loads a copy of the page (beside it, so
    that its relative paths hold) with a few lines of script added that report, once the page has
    loaded, every image that did not load (its natural width is 0), whether the verdict is on
    screen, and how wide the page is; any console message is a failure (the pages have no
    script of their own), and the page may not be wider than the screen (long lines scroll inside
    their own box);
  - --expect says what the verdict must read.
Prints one line per page; exits 1 when any check fails, 77 (skipped) when no Chromium is installed.
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import zlib
from html.parser import HTMLParser

PHONE = (390, 844)

# One page of the harness: loads each page in turn in a frame a phone's size, and reports.
HARNESS = """<!DOCTYPE html>
<html><body>
<iframe id="frame" style="width: %dpx; height: %dpx; border: 0"></iframe>
<pre id="page-check"></pre>
<script>
const pages = %s;
const reports = [];
const frame = document.getElementById('frame');
function next(k) {
  if (k === pages.length) {
    document.getElementById('page-check').textContent = JSON.stringify(reports);
    return;
  }
  frame.onload = () => {
    const d = frame.contentDocument;
    if (d !== null && d.URL === 'about:blank') return;  // the empty frame's own load, not the page's
    if (d === null || d.body === null) {
      reports.push(null);
      next(k + 1);
      return;
    }
    const images = Array.from(d.images);
    const bad = images.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src'));
    const v = d.getElementById('verdict');
    const shown = v !== null && v.offsetWidth > 0 && v.offsetHeight > 0;
    reports.push({images: images.length, bad: bad, verdict: v ? v.textContent : null, shown: shown,
                  marked: v ? v.className : '',
                  width: d.documentElement.scrollWidth, screen: frame.contentWindow.innerWidth});
    next(k + 1);
  };
  frame.src = pages[k];
}
next(0);
</script>
</body></html>
"""


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.srcs, self.ids, self.duplicates = [], [], set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            if a["id"] in self.ids:
                self.duplicates.append(a["id"])
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "img" and a.get("src"):
            self.srcs.append(a["src"])


def parse(path):
    links = Links()
    with open(path, encoding="utf-8") as f:
        links.feed(f.read())
    return links


def static_problems(path):
    problems = []
    links = parse(path)
    here = os.path.dirname(os.path.abspath(path))
    problems += [f"two elements with the id '{i}'" for i in links.duplicates]
    for href in links.hrefs:
        if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", href):
            problems.append(f"a link out of the page's folder tree: {href}")
            continue
        if href.startswith("/"):
            problems.append(f"a link to an absolute path, which holds on this machine only: {href}")
            continue
        target, _, fragment = href.partition("#")
        target = urllib.parse.unquote(target.partition("?")[0])
        target_path = os.path.normpath(os.path.join(here, target)) if target else os.path.abspath(path)
        if not os.path.isfile(target_path):
            problems.append(f"the link {href} names no file")
        elif fragment and target_path.endswith(".html") and fragment not in parse(target_path).ids:
            problems.append(f"the link {href}: no id '{fragment}' there")
    for src in links.srcs:
        image = os.path.normpath(os.path.join(here, urllib.parse.unquote(src.partition("?")[0])))
        if not os.path.isfile(image):
            problems.append(f"the image {src} is not there")
        elif image.endswith(".png") and png_problem(image):
            problems.append(f"the image {src} {png_problem(image)}")
    return problems


def png_problem(path):
    """Why a PNG file is not whole ("" when it is): a browser draws the top of a truncated PNG
    and gives it its natural width, so each chunk is read to IEND, its CRC checked."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return "is not a PNG file (no PNG signature)"
    at = 8
    while at + 12 <= len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        kind = data[at + 4:at + 8]
        end = at + 12 + length
        if end > len(data):
            return f"is cut short inside its {kind.decode('latin-1')} chunk"
        if zlib.crc32(data[at + 4:at + 8 + length]) != int.from_bytes(data[end - 4:end], "big"):
            return f"has a damaged {kind.decode('latin-1')} chunk (its CRC does not match)"
        if kind == b"IEND":
            return ""
        at = end
    return "ends before its IEND chunk"


def browser(paths, chromium):
    """Loads the pages in Chromium, one after the other in a frame; returns (one report per page or
    None, the console's lines)."""
    work = tempfile.mkdtemp(prefix="page-check-")
    try:
        harness = os.path.join(work, "harness.html")
        urls = ["file://" + os.path.abspath(p) for p in paths]
        with open(harness, "w", encoding="utf-8") as f:
            f.write(HARNESS % (PHONE[0], PHONE[1], json.dumps(urls)))
        result = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
             "--allow-file-access-from-files", f"--user-data-dir={work}/profile", "--window-size=1200,1000",
             f"--virtual-time-budget={20000 + 2000 * len(paths)}", "--enable-logging=stderr", "--v=0", "--dump-dom",
             "file://" + harness],
            capture_output=True, text=True, timeout=600)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    m = re.search(r'<pre id="page-check">(.*?)</pre>', result.stdout, re.S)
    reports = json.loads(html.unescape(m[1])) if m and m[1].strip() else None
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    return reports, console


def main():
    args = sys.argv[1:]
    expect = {}
    pages = []
    while args:
        a = args.pop(0)
        if a == "--expect":
            page, _, verdict = args.pop(0).partition("=")
            expect[os.path.abspath(page)] = verdict
        else:
            pages.append(a)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("no Chromium here (./lab test installs the Debian package chromium); skipped")
        sys.exit(77)
    reports, console = browser(pages, chromium)
    failed = 0
    if reports is None or len(reports) != len(pages):
        print("FAIL: the browser did not load every page (no report from the harness)")
        failed = 1
        reports = [None] * len(pages)
    for line in console:  # the pages have no script: any message is a failure, named by its page
        print(f"FAIL console: {line}")
    failed += len(console)
    for path, report in zip(pages, reports):
        problems = static_problems(path) if os.path.isfile(path) else ["no such page"]
        if report is None:
            problems.append("the browser could not load it")
        else:
            problems += [f"the image {src} did not load (natural width 0)" for src in report["bad"]]
            if report["width"] > report["screen"]:
                problems.append(f"the page is {report['width']} px wide on a {report['screen']} px screen")
            want = expect.get(os.path.abspath(path))
            if want:
                if not report["shown"]:
                    problems.append("the verdict is not on screen")
                elif want not in report["marked"].split() or not report["verdict"].startswith("VERDICT: " + want):
                    problems.append(f"the verdict reads '{report['verdict']}' (marked '{report['marked']}'), not {want}")
        if problems:
            failed += 1
            print(f"FAIL {path}:\n  " + "\n  ".join(problems))
        elif report is not None:
            said = f"{report['images']} images loaded, {report['screen']} px wide" + (
                f", verdict {expect[os.path.abspath(path)]} on screen" if os.path.abspath(path) in expect else "")
            print(f"ok   {path}: {said}")
    print(f"{len(pages)} pages checked, {'none' if failed == 0 else failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""annotate.py: the course as a static web site, generated from the sources (./lab docs).

Writes into the folder given by --out (default site/):
  index.html              every lecture of lectures/lectures.txt: the slides it follows, what it
                          shows, its last run's verdict, and links to its pages
  lectures/NAME.html      the lecture's source annotated: its comments as prose beside the code
                          they describe, each section (a "// ---- ... ----" banner) headed by its
                          title and the slides it follows (docs/slides.md), and the figures its
                          last run saved there, next to the code that drew them
  runs/                   the pages of the runs in out/ (out/NAME/index.html, its figures, and
                          out/index.html), copied, each linked to its annotated source (a run
                          in another folder of out/, given --out, is copied as it is)
The pages are plain HTML and CSS: no script, no network, no server; the folder reads the same
anywhere it is copied (a teacher's course site). Nothing here is written by hand, so it cannot
drift from the code: run it again after a change, or after a run.
"""
import argparse
import html
import os
import re
import shutil
import sys
from html.parser import HTMLParser

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

STYLE = """
body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0 auto; max-width: 90rem; padding: 0 1rem 3rem; color: #1a1a1a; }
h1, h2, p, li, figcaption, td { overflow-wrap: anywhere; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2rem; }
.seg { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 1rem; border-top: 1px solid #eee; }
.prose { padding: 0.3rem 0; font-size: 0.95rem; } .prose p { margin: 0.3rem 0; }
.prose pre { background: #f3f3ee; padding: 0.3rem; overflow-x: auto; font-size: 0.8rem; }
pre.code { margin: 0; padding: 0.3rem; background: #fbfbf4; overflow-x: auto; font-size: 0.8rem; line-height: 1.35; }
.ln { color: #999; user-select: none; }
.slides { background: #eef3fb; padding: 0.4rem 0.8rem; border-left: 4px solid #5b7fbf; }
.slides p { margin: 0.2rem 0; }
figure { margin: 0.6rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 0.85rem; color: #444; }
.verdict { font-weight: bold; padding: 0.2rem 0.5rem; border-radius: 4px; }
.HOLDS { background: #e3f5e1; color: #14551b; } .FAILS { background: #fbe4e4; color: #8a1111; }
table { border-collapse: collapse; display: block; overflow-x: auto; }
td, th { border: 1px solid #ccc; padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }
.meta { color: #555; font-size: 0.9rem; }
@media (max-width: 50rem) { .seg { grid-template-columns: minmax(0, 1fr); } }
"""


def page(title, body):
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n")


def lectures():
    """(name, source) of every lecture, in lectures/lectures.txt's order."""
    out = []
    with open(os.path.join(ROOT, "lectures", "lectures.txt"), encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if len(fields) == 4 and not fields[0].startswith("#"):
                out.append((fields[0], fields[1]))
    return out


# ---- The slides, from docs/slides.md (as lectures/page.cpp reads them for a run's page) ----

def read_slides():
    scott, silva, lamurias, deck = [], [], [], 0
    with open(os.path.join(ROOT, "docs", "slides.md"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("## Scott"):
                deck = 1
            elif line.startswith("## Silva"):
                deck = 2
            elif line.startswith("## Lam"):
                deck = 3
            if not line.startswith("| ") or line.startswith("| slide") or line.startswith("| heading"):
                continue
            cells = [c.strip().replace("`", "") for c in line.strip().strip("|").split(" | ")]
            if len(cells) < 2:
                continue
            if deck == 1:
                m = re.match(r"(\d+)(?:-(\d+))?$", cells[0])
                if m:
                    scott.append((int(m[1]), int(m[2] or m[1]), cells[1]))
            elif deck == 2:
                silva.append(cells[0])
            elif deck == 3:
                lamurias.append(cells[0])
    return scott, silva, lamurias


def slides_of(title, slides):
    scott, silva, lamurias = slides
    found = []
    m = re.search(r"Scott slides? ([0-9]+(?:\s*(?:-|,|and)\s*[0-9]+)*)", title)
    if m:
        wanted = set()
        for a, b in re.findall(r"([0-9]+)(?:\s*-\s*([0-9]+))?", m[1]):
            wanted.update(range(int(a), int(b or a) + 1))
        for a, b, topic in scott:
            if any(a <= k <= b for k in wanted):
                found.append(f"Scott, Lecture 5, slide{'' if a == b else 's'} {a if a == b else f'{a}-{b}'}: {topic}")
    for deck, headings, cite in (("Silva", silva, 'Silva, "Autoencoders"'),
                                 ("Lamúrias", lamurias, 'Lamúrias, "5 - Autoencoders"')):
        m = re.search(deck + r', ([^:]+):', title) or re.search(deck + r' "([^"]+)"', title)
        if not m:
            continue
        heading = m[1].strip()
        match = next((h for h in headings if heading in h), heading)
        found.append(f"{cite}, heading {match}")
    return found


def slides_html(title, slides):
    found = slides_of(title, slides)
    if not found:
        return ""
    return '<div class="slides">\n' + "".join(f"<p>{html.escape(s)}</p>\n" for s in found) + "</div>\n"


# ---- A run's page: its sections, figures and verdict ----

class RunPage(HTMLParser):
    """Reads a page lectures/page.cpp wrote: for each section, the line of its code and its figures."""

    def __init__(self):
        super().__init__()
        self.verdict, self.date = "", ""
        self.sections = []  # {"title", "line", "figures": [(src, caption)]}
        self._in = None
        self._text = ""
        self._figure = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and (a.get("id") or "").startswith("section-"):
            self.sections.append({"title": "", "line": 0, "figures": []})
        elif tag == "h2" and self.sections and not self.sections[-1]["title"]:
            self._in, self._text = "h2", ""
        elif tag == "details" and self.sections and re.fullmatch(r"code-\d+", a.get("id") or ""):
            self.sections[-1]["line"] = int(a["id"][5:])
        elif tag == "a" and self.sections and re.fullmatch(r"#code-\d+", a.get("href") or ""):
            self.sections[-1]["line"] = int(a["href"][6:])
        elif tag == "img" and self.sections and self._figure is None:
            self._figure = [a.get("src", ""), ""]
        elif tag == "figcaption":
            self._in, self._text = "caption", ""
        elif tag == "p" and a.get("id") == "verdict":
            self.verdict = "HOLDS" if "HOLDS" in (a.get("class") or "") else "FAILS"

    def handle_endtag(self, tag):
        if tag == "h2" and self._in == "h2":
            self.sections[-1]["title"] = self._text.strip()
            self._in = None
        elif tag == "figcaption" and self._in == "caption":
            if self._figure is not None:
                self._figure[1] = self._text.strip()
                self.sections[-1]["figures"].append(tuple(self._figure))
            self._figure, self._in = None, None

    def handle_data(self, data):
        if self._in:
            self._text += data


def read_run(runs, name):
    path = os.path.join(runs, name, "index.html")
    if not os.path.isfile(path):
        return None
    run = RunPage()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    run.feed(text)
    m = re.search(r"<!-- lab-run\t[^\t]*\t[^\t]*\t([^\t]*)\t", text)
    run.date = m[1] if m else ""
    return run


# ---- The annotated source ----

def inline(text):
    """Prose: HTML-escaped, with `code` as <code>."""
    parts = re.split(r"`([^`]+)`", text)
    return "".join(html.escape(p) if i % 2 == 0 else f"<code>{html.escape(p)}</code>" for i, p in enumerate(parts))


def prose_html(comment_lines):
    """Comment lines (without "//") as paragraphs; indented lines (formulas, tables) as they are."""
    out, para, pre = [], [], []

    def flush():
        if para:
            out.append("<p>" + inline(" ".join(para)) + "</p>")
            para.clear()
        if pre:
            out.append("<pre>" + html.escape("\n".join(pre)) + "</pre>")
            pre.clear()

    for line in comment_lines:
        text = line[1:] if line.startswith(" ") else line
        if not text.strip():
            flush()
        elif para and re.match(r"(Follows|Shows|Run|Prints):\s", para[0]) and text.startswith("   "):
            para.append(text.strip())  # the hanging indent of a header's "Shows:  ..." field
        elif text.startswith("  "):  # indented: a formula, a table, a list's continuation
            if para:
                flush()
            pre.append(text)
        else:
            if pre:
                flush()
            para.append(text.strip())
    flush()
    return "\n".join(out)


def segments(source_lines):
    """The source as (comment lines, [(line number, code line)]) pairs: a run of whole-line comments,
    then the code up to the next one."""
    segs = []
    comments, code = [], []
    for n, line in enumerate(source_lines, 1):
        stripped = line.strip()
        if stripped.startswith("//"):
            banner = re.match(r"//\s*---- .* ----\s*$", stripped)
            if code or (banner and comments):  # a banner starts a segment of its own
                segs.append((comments, code))
                comments, code = [], []
            comments.append((n, stripped[2:]))
        else:
            code.append((n, line))
    segs.append((comments, code))
    return segs


def annotated(name, source, slides, run):
    with open(os.path.join(ROOT, "lectures", source), encoding="utf-8") as f:
        lines = f.read().split("\n")
    figures_at = {}  # code line of a section's call -> [(src, caption)]
    if run:
        for s in run.sections:
            if s["line"] and s["figures"]:
                figures_at.setdefault(s["line"], []).extend(s["figures"])
    body = f'<p class="meta"><a href="../index.html">the course</a>'
    if run:
        body += (f' | <a href="../runs/{name}/index.html">the last run</a> '
                 f'<span class="verdict {run.verdict or "FAILS"}">{run.verdict or "no verdict"}</span> '
                 f'{html.escape(run.date)}')
    body += f"</p>\n<h1>{html.escape(name)}</h1>\n<p class=\"meta\">lectures/{html.escape(source)}</p>\n"
    for comments, code in segments(lines):
        banner = next((c for _, c in comments if re.match(r"\s*---- .* ----\s*$", c)), None)
        if banner:
            title = re.match(r"\s*---- (.*) ----", banner)[1]
            anchor = comments[0][0]
            body += f'<h2 id="L{anchor}-section">{html.escape(title)}</h2>\n' + slides_html(title, slides)
            comments = [(n, c) for n, c in comments if c is not banner]
        prose = prose_html([c for _, c in comments])
        code_html = "".join(f'<span id="L{n}"><span class="ln">{n:4} </span>{html.escape(text)}</span>\n'
                            for n, text in code)
        figs = ""
        for n, _ in code:
            for src, caption in figures_at.get(n, []):
                figs += (f'<figure><img src="../runs/{name}/{html.escape(src)}" alt="{html.escape(caption)}">'
                         f"<figcaption>{html.escape(caption)} (the last run)</figcaption></figure>\n")
        if not prose and not code_html.strip():
            continue
        body += f'<div class="seg">\n<div class="prose">{prose}{figs}</div>\n<pre class="code">{code_html}</pre>\n</div>\n'
    return page(f"{name}: annotated source", body)


def header_fields(source):
    """The lecture's header comment: its "Follows:" and "Shows:" paragraphs."""
    fields, key = {}, None
    with open(os.path.join(ROOT, "lectures", source), encoding="utf-8") as f:
        for line in f:
            if not line.startswith("//"):
                break
            text = line[2:].strip()
            m = re.match(r"(\w+):\s+(.*)", text)
            if m and m[1] in ("Follows", "Shows", "Run", "Prints"):
                key = m[1]
                fields[key] = m[2]
            elif key and text:
                fields[key] += " " + text
            else:
                key = None
    return fields


def main():
    parser = argparse.ArgumentParser(description="the course as a static web site")
    parser.add_argument("--out", default="site", help="the folder to write (default site/)")
    parser.add_argument("--runs", default=os.path.join(ROOT, "out"), help="where the runs are (default out/)")
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    if os.path.exists(out) and not os.path.isdir(out):
        sys.exit(f"annotate.py: {args.out} is a file, not a folder")
    slides = read_slides()
    os.makedirs(os.path.join(out, "lectures"), exist_ok=True)
    runs_dir = os.path.join(out, "runs")
    shutil.rmtree(runs_dir, ignore_errors=True)
    rows = ""
    for name, source in lectures():
        run = read_run(args.runs, name)
        if run:  # the run's page and its figures, linked back to the annotated source
            dest = os.path.join(runs_dir, name)
            os.makedirs(dest)
            for f in os.listdir(os.path.join(args.runs, name)):
                if f == "index.html" or f.endswith((".png", ".svg")):
                    shutil.copy2(os.path.join(args.runs, name, f), dest)
            with open(os.path.join(dest, "index.html"), encoding="utf-8") as f:
                text = f.read()
            text = text.replace('<a href="../index.html">all runs</a>',
                                f'<a href="../index.html">all runs</a> | <a href="../../index.html">the course</a> | '
                                f'<a href="../../lectures/{name}.html">the annotated source</a>', 1)
            # Each section's code, also in the annotated source, at its line.
            text = re.sub(r'<details id="code-(\d+)">',
                          lambda m: (f'<p class="meta"><a href="../../lectures/{name}.html#L{m[1]}">this section in '
                                     f'the annotated source</a></p>\n<details id="code-{m[1]}">'), text)
            with open(os.path.join(dest, "index.html"), "w", encoding="utf-8") as f:
                f.write(text)
        with open(os.path.join(out, "lectures", name + ".html"), "w", encoding="utf-8") as f:
            f.write(annotated(name, source, slides, run))
        h = header_fields(source)
        last = (f'<a href="runs/{name}/index.html">last run</a> '
                f'<span class="verdict {run.verdict or "FAILS"}">{run.verdict or "no verdict"}</span>'
                if run else '<span class="meta">not run yet (./lab run ' + name + ")</span>")
        rows += (f'<tr><td><a href="lectures/{name}.html">{html.escape(name)}</a></td>'
                 f"<td>{inline(h.get('Follows', ''))}</td><td>{inline(h.get('Shows', ''))}</td><td>{last}</td></tr>\n")
    # The other runs out/index.html lists (a run given --out out/OTHER), so that its links hold.
    names = {name for name, _ in lectures()}
    for d in sorted(os.listdir(args.runs)) if os.path.isdir(args.runs) else []:
        if d not in names and os.path.isfile(os.path.join(args.runs, d, "index.html")):
            os.makedirs(os.path.join(runs_dir, d))
            for f in os.listdir(os.path.join(args.runs, d)):
                if f == "index.html" or f.endswith((".png", ".svg")):
                    shutil.copy2(os.path.join(args.runs, d, f), os.path.join(runs_dir, d))
    if os.path.isfile(os.path.join(args.runs, "index.html")):
        os.makedirs(runs_dir, exist_ok=True)  # out/index.html with no lecture's page beside it
        with open(os.path.join(args.runs, "index.html"), encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(runs_dir, "index.html"), "w", encoding="utf-8") as f:  # with a way back
            f.write(text.replace("<h1>Lecture runs</h1>",
                                 '<p class="meta"><a href="../index.html">the course</a></p>\n<h1>Lecture runs</h1>', 1))
    elif os.path.isdir(runs_dir):
        with open(os.path.join(runs_dir, "index.html"), "w", encoding="utf-8") as f:
            f.write(page("Lecture runs", '<p class="meta"><a href="../index.html">the course</a></p>\n'
                         "<h1>Lecture runs</h1>\n<p>No lecture has been run into out/.</p>\n"))
    body = ("<h1>Autoencoders and automatic differentiation: the lectures</h1>\n"
            "<p>Each lecture is a program that checks one slide's claim on real data. Its annotated source "
            "reads beside the slides; its last run (<code>./lab run NAME</code>) shows what it printed and "
            "drew, and its verdict.</p>\n"
            "<table>\n<tr><th>lecture</th><th>follows</th><th>shows</th><th>last run</th></tr>\n"
            f"{rows}</table>\n")
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write(page("The lectures", body))
    print(f"annotate.py: the course site is in {args.out}/ (open {os.path.join(args.out, 'index.html')})")


if __name__ == "__main__":
    main()

#!/bin/bash
# The pages of lecture runs (lectures/page.hpp) and of the course site (tools/annotate.py), loaded
# in a real browser (tests/check_pages.py: Chromium, headless): every image loads, no console
# message, the verdict on screen, every link resolves, nothing wider than a phone's screen. In a
# scratch folder: identity and tape_tour run into out/ (each writes out/NAME/index.html, and
# out/index.html lists both), and pca_equivalence runs with no MNIST there (MNIST_DIR names an
# empty folder), so it stops on an error, and its page must say FAILS and name the error; then
# ./lab docs's generator writes the site from those runs.
#   usage: test_pages.sh IDENTITY TAPE_TOUR PCA_EQUIVALENCE SOURCE_ROOT
set -u
identity=$(realpath "$1") tape_tour=$(realpath "$2") pca=$(realpath "$3") root=$(realpath "$4")
command -v chromium > /dev/null || { echo "no Chromium here (./lab test installs it); skipped"; exit 77; }
status=0
fail() {
    echo "FAIL: $*"
    status=1
}
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

"$identity" --quick > identity.log 2>&1 || fail "identity exited with $?: $(tail -3 identity.log)"
# Its folder as a shell completes it, with a slash at the end: still out/tape_tour.
"$tape_tour" --quick --out out/tape_tour/ > tape_tour.log 2>&1 || fail "tape_tour exited with $?: $(tail -3 tape_tour.log)"
# A run into another folder of out/ (--out): the list of runs links it there, and so does the site.
"$tape_tour" --quick --out out/tape_tour_again > tape_tour_again.log 2>&1 ||
    fail "tape_tour --out out/tape_tour_again exited with $?: $(tail -3 tape_tour_again.log)"
# A run outside out/ has no list of runs beside it, and its page does not link to one.
"$tape_tour" --quick --out elsewhere/tape_tour > elsewhere.log 2>&1 ||
    fail "tape_tour --out elsewhere/tape_tour exited with $?: $(tail -3 elsewhere.log)"
[[ ! -e elsewhere/index.html ]] || fail "a run into elsewhere/ wrote a list of runs there"
mkdir empty
MNIST_DIR=$work/empty "$pca" --quick > pca.log 2>&1
code=$?
[[ $code -eq 2 ]] || fail "pca_equivalence without MNIST exited with $code, not 2: $(tail -3 pca.log)"

for name in identity tape_tour pca_equivalence; do
    [[ -s out/$name/index.html ]] || fail "no out/$name/index.html"
done
grep -q 'class="verdict FAILS" id="verdict"' out/pca_equivalence/index.html ||
    fail "the page of the run stopped by an error does not say FAILS"
grep -qF "$work/empty/train-images-idx3-ubyte: missing" out/pca_equivalence/index.html || fail "the page of the stopped run does not name the error"
grep -q 'class="verdict HOLDS" id="verdict"' out/identity/index.html || fail "identity's page does not say HOLDS"
grep -q '<img src="tape_tour/tape.png"' out/index.html || fail "out/index.html lacks tape_tour's figure (run with --out out/tape_tour/)"
# The console's lines are on the page: the last line identity printed before its clauses.
grep -qF "$(grep '^rounded codes' identity.log)" out/identity/index.html || fail "identity's page lacks a line it printed"
for name in identity tape_tour tape_tour_again pca_equivalence; do
    grep -q "href=\"$name/index.html\"" out/index.html || fail "out/index.html does not list $name"
done
# Each section names the slides it follows, from docs/slides.md: a slide number, and a heading.
grep -qF "<p>Scott, Lecture 5, slide 4: the basic idea: Mitchell's 8-3-8" out/identity/index.html ||
    fail "identity's page does not name slide 4 and its topic"
grep -qF "<p>Lamúrias, &quot;5 - Autoencoders&quot;, heading PCA vs autoencoder (6-4-2-4-6 on UCI banknote)</p>" \
    out/pca_equivalence/index.html || fail "pca_equivalence's page does not name Lamúrias's heading"

python3 "$root/tools/annotate.py" --out site --runs out > annotate.log 2>&1 || fail "annotate.py failed: $(tail -3 annotate.log)"
[[ -s site/lectures/identity.html && -s site/runs/identity/index.html ]] || fail "the site lacks identity's pages"
# A list of runs with no lecture's page beside it (their folders removed): the site says so.
mkdir list_only && cp out/index.html list_only/
python3 "$root/tools/annotate.py" --out site_list_only --runs list_only > annotate_list_only.log 2>&1 ||
    fail "annotate.py failed on a runs folder with only its list: $(tail -3 annotate_list_only.log)"

pages=(out/identity/index.html out/tape_tour/index.html out/pca_equivalence/index.html out/index.html
       elsewhere/tape_tour/index.html
       site/index.html site/lectures/*.html site/runs/index.html site/runs/*/index.html)
python3 "$root/tests/check_pages.py" --expect out/identity/index.html=HOLDS --expect out/tape_tour/index.html=HOLDS \
    --expect out/pca_equivalence/index.html=FAILS --expect site/runs/identity/index.html=HOLDS "${pages[@]}" ||
    fail "a page did not load whole in the browser (above)"
[[ $status -eq 0 ]] && echo "${#pages[@]} pages: run pages, the list of runs and the course site load whole in Chromium"
exit $status

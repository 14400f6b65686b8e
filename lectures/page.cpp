// page.cpp: a lecture run as a web page (page.hpp).
#include "page.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include "io/atomic_file.hpp"
#include "io/figures.hpp"

#ifndef LAB_SOURCE_DIR
#define LAB_SOURCE_DIR ""  // lectures/meson.build sets it to the project's folder
#endif

namespace lecture::page {

namespace {

namespace fs = std::filesystem;

struct Section {
    std::string title;
    int line;           // of the call to lecture::section in the lecture's source (0: before the first)
    std::size_t start;  // where its output begins in Run::text
};

struct Figure {
    io::SavedFigure saved;
    std::size_t section;  // the section that saved it
};

struct Run {
    Options options;
    std::string description, source_file, out_dir, command, date;
    std::chrono::steady_clock::time_point start;
    std::string text;  // everything printed on stdout and stderr, in order
    std::vector<Section> sections;
    std::vector<Figure> figures;
    std::size_t verdict_at = std::string::npos;  // where the clause lines begin in text
    bool written = false;
};

// Never destroyed: the streams that write into it are flushed after static destructors run.
Run* the_run = nullptr;
std::mutex text_mutex;  // one writer of Run::text at a time

// The streams' write function: the bytes go to their file descriptor (1 or 2) as before, and are
// kept.
template <int fd>
ssize_t tee_write(void*, const char* bytes, std::size_t size) {
    if (the_run != nullptr) {
        // stdout and stderr, written from two threads at once, append one after the other.
        const std::lock_guard<std::mutex> hold(text_mutex);
        the_run->text.append(bytes, size);
    }
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, bytes + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return done > 0 ? static_cast<ssize_t>(done) : -1;
        done += static_cast<std::size_t>(n);
    }
    return static_cast<ssize_t>(size);
}

std::FILE* tee_stream(int fd) {
    cookie_io_functions_t functions{};
    functions.write = fd == 1 ? tee_write<1> : tee_write<2>;
    std::FILE* stream = ::fopencookie(nullptr, "w", functions);
    if (stream == nullptr) return nullptr;
    // Line by line for stdout, so that its lines and stderr's land in the page in the order the
    // console shows them; stderr unbuffered, as it was.
    std::setvbuf(stream, nullptr, fd == 1 ? _IOLBF : _IONBF, 0);
    return stream;
}

std::string html(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

// Console text as it reads on a terminal: a carriage return starts its line again (a progress
// bar redrawn), and terminal escapes ("\033[K") are dropped.
std::string as_displayed(const std::string& raw) {
    std::string out, line;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '\033') {  // ESC [ ... letter
            std::size_t j = i + 1;
            if (j < raw.size() && raw[j] == '[') {
                ++j;
                while (j < raw.size() && !std::isalpha(static_cast<unsigned char>(raw[j]))) ++j;
            }
            i = j;
        } else if (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') {
            // "\r\n" ends a line, as '\n' does
        } else if (c == '\r') {
            line.clear();
        } else if (c == '\n') {
            out += line + '\n';
            line.clear();
        } else {
            line += c;
        }
    }
    return out + line;
}

std::string trim(const std::string& s) {
    const std::size_t a = s.find_first_not_of(" \t\n");
    if (a == std::string::npos) return "";
    const std::size_t b = s.find_last_not_of(" \t\n");
    return s.substr(a, b - a + 1);
}

std::vector<std::string> read_lines(const std::string& path) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// ---- The slides a section follows, from docs/slides.md ----

struct Slides {
    std::vector<std::pair<std::pair<int, int>, std::string>> scott;  // slide range, topic
    std::vector<std::string> silva, lamurias;                        // headings
};

std::string without_markup(std::string s) {
    s.erase(std::remove(s.begin(), s.end(), '`'), s.end());
    return s;
}

Slides read_slides() {
    Slides slides;
    int deck = 0;  // 1 Scott, 2 Silva, 3 Lamúrias
    for (const std::string& line : read_lines(std::string(LAB_SOURCE_DIR) + "/docs/slides.md")) {
        if (line.rfind("## Scott", 0) == 0) deck = 1;
        if (line.rfind("## Silva", 0) == 0) deck = 2;
        if (line.rfind("## Lam", 0) == 0) deck = 3;
        if (line.rfind("| ", 0) != 0 || line.rfind("| slide", 0) == 0 || line.rfind("| heading", 0) == 0) continue;
        std::vector<std::string> cells;
        std::size_t at = 1;
        while (at < line.size()) {
            const std::size_t next = line.find(" | ", at);
            cells.push_back(trim(line.substr(at, next == std::string::npos ? std::string::npos : next - at)));
            if (next == std::string::npos) break;
            at = next + 2;
        }
        if (cells.size() < 2) continue;
        if (deck == 1) {
            int a = 0, b = 0;
            if (std::sscanf(cells[0].c_str(), "%d-%d", &a, &b) < 2) b = a;
            if (a > 0) slides.scott.push_back({{a, b}, without_markup(cells[1])});
        } else if (deck == 2) {
            slides.silva.push_back(without_markup(cells[0]));
        } else if (deck == 3) {
            slides.lamurias.push_back(without_markup(cells[0]));
        }
    }
    return slides;
}

// "Scott slides 9 and 10: ..." -> the rows of slides 9 and 10; "Silva, Tying Weights: ..." ->
// Silva's row "Tying Weights (...)"; likewise Lamúrias.
std::vector<std::string> slides_of(const std::string& title, const Slides& slides) {
    std::vector<std::string> found;
    std::set<int> wanted;  // "Scott slides 9 and 10", "Scott slides 35-37", "Scott slide 13, ..."
    const std::size_t scott = title.find("Scott slide");
    if (scott != std::string::npos) {
        std::size_t at = scott + std::string("Scott slide").size();
        if (at < title.size() && title[at] == 's') ++at;
        const auto number = [&](int& n) {  // reads a number after spaces; false when there is none
            std::size_t k = at;
            while (k < title.size() && title[k] == ' ') ++k;
            if (k == title.size() || !std::isdigit(static_cast<unsigned char>(title[k]))) return false;
            n = 0;
            while (k < title.size() && std::isdigit(static_cast<unsigned char>(title[k])) && n < 1000)
                n = 10 * n + (title[k++] - '0');
            at = k;
            return true;
        };
        const auto next_is = [&](const std::string& word) {  // skips spaces, then `word` if it is there
            std::size_t k = at;
            while (k < title.size() && title[k] == ' ') ++k;
            if (title.compare(k, word.size(), word) != 0) return false;
            at = k + word.size();
            return true;
        };
        int a = 0;
        if (number(a)) {
            for (;;) {
                int b = a;
                const std::size_t dash = at;
                if (next_is("-") && !number(b)) at = dash, b = a;
                for (int k = a; k <= b && k < a + 50; ++k) wanted.insert(k);
                const std::size_t before = at;
                if ((next_is(",") || next_is("and")) && number(a)) continue;
                at = before;  // ", Silva ...": another deck follows, or the title goes on
                break;
            }
        }
    }
    {
        std::set<std::size_t> rows;
        for (const int k : wanted)
            for (std::size_t r = 0; r < slides.scott.size(); ++r)
                if (slides.scott[r].first.first <= k && k <= slides.scott[r].first.second) rows.insert(r);
        for (const std::size_t r : rows) {
            const auto& [range, topic] = slides.scott[r];
            found.push_back(fmt::format("Scott, Lecture 5, slide{} {}: {}", range.first == range.second ? "" : "s",
                                        range.first == range.second ? fmt::format("{}", range.first)
                                                                    : fmt::format("{}-{}", range.first, range.second),
                                        topic));
        }
    }
    const auto by_heading = [&](const std::string& deck, const std::vector<std::string>& headings,
                                const std::string& cite) {
        const std::size_t at = title.find(deck + ", ");
        const std::size_t quoted = title.find(deck + " \"");
        std::string heading;
        if (at != std::string::npos) {
            const std::size_t from = at + deck.size() + 2, colon = title.find(':', from);
            heading = title.substr(from, colon == std::string::npos ? std::string::npos : colon - from);
        } else if (quoted != std::string::npos) {
            const std::size_t from = quoted + deck.size() + 2, end = title.find('"', from);
            heading = title.substr(from, end == std::string::npos ? std::string::npos : end - from);
        }
        heading = trim(heading);
        if (heading.empty()) return;
        for (const std::string& h : headings)
            if (h.rfind(heading, 0) == 0 || h.find(heading) != std::string::npos) {
                found.push_back(fmt::format("{}, heading {}", cite, h));
                return;
            }
        found.push_back(fmt::format("{}, heading {}", cite, heading));
    };
    by_heading("Silva", slides.silva, "Silva, \"Autoencoders\"");
    by_heading("Lamúrias", slides.lamurias, "Lamúrias, \"5 - Autoencoders\"");
    return found;
}

// ---- The page ----

const char* kStyle = R"(
body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0 auto; max-width: 64rem; padding: 0 1rem 3rem; color: #1a1a1a; }
h1, h2, p, li, figcaption, td { overflow-wrap: anywhere; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2.5rem; }
pre { background: #f6f6f6; padding: 0.6rem; overflow-x: auto; font-size: 0.85rem; line-height: 1.35; }
pre.code { background: #fbfbf4; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 0.9rem; color: #444; }
.verdict { font-weight: bold; padding: 0.5rem 0.8rem; border-radius: 4px; }
.HOLDS { background: #e3f5e1; color: #14551b; } .FAILS { background: #fbe4e4; color: #8a1111; }
.slides { background: #eef3fb; padding: 0.4rem 0.8rem; border-left: 4px solid #5b7fbf; }
.slides p { margin: 0.2rem 0; } .meta { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; font-size: 0.9rem; display: block; overflow-x: auto; }
td, th { border: 1px solid #ccc; padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }
td.PASS { color: #14551b; font-weight: bold; } td.FAIL { color: #8a1111; font-weight: bold; }
nav ol { padding-left: 1.4rem; } details summary { cursor: pointer; color: #344f8a; }
.error { background: #fbe4e4; padding: 0.6rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 1rem; }
.card { border: 1px solid #ccc; border-radius: 4px; padding: 0.6rem; } .card h2 { margin-top: 0; }
.card img { max-width: 100%; height: auto; }
)";

// The lines of the lecture's source shown for the section whose banner call is on `line` (1-based):
// from the comment lines just above it to the line before the next section's call in the file, or
// to the end of the function, at most 150 lines. Returns [first, last], 1-based, or {0, 0}.
std::pair<int, int> code_range(const std::vector<std::string>& source, int line, const std::set<int>& banner_lines) {
    if (line <= 0 || line > static_cast<int>(source.size())) return {0, 0};
    int first = line;
    while (first > 1 && first > line - 40 && trim(source[first - 2]).rfind("//", 0) == 0) --first;
    int last = line;
    while (last < static_cast<int>(source.size()) && last < line + 150) {
        const int next = last + 1;
        if (banner_lines.count(next) != 0) break;
        const std::string& text = source[next - 1];
        if (text.rfind("}", 0) == 0) break;  // the end of a function at the top level
        last = next;
    }
    // Comment lines at the end belong to what follows.
    while (last > line && trim(source[last - 1]).rfind("//", 0) == 0) --last;
    return {first, last};
}

std::string relative_to(const std::string& path, const std::string& dir) {
    std::error_code ec;
    const fs::path rel = fs::relative(fs::absolute(path, ec), fs::absolute(dir, ec), ec);
    return ec || rel.empty() ? fs::path(path).filename().string() : rel.generic_string();
}

// A folder without "." or ".." and without a trailing slash ("--out out/identity/", as a shell
// completes it, is out/identity); absolute, to compare two.
fs::path folder_path(const std::string& dir, bool absolute = false) {
    std::error_code ec;
    fs::path p = (absolute ? fs::absolute(dir, ec) : fs::path(dir)).lexically_normal();
    if (p.filename().empty() && p.has_parent_path()) p = p.parent_path();
    return p;
}

std::string now_text() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    ::localtime_r(&now, &local);
    char text[40];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S %Z", &local);
    return text;
}

// The line out/index.html reads from each run's page, inside an HTML comment.
struct Summary {
    std::string name, verdict, date, seconds, figure, title, order;
    std::string folder;  // out/index.html: the run's folder in out/ (not in the comment)
};
constexpr const char* kSummaryTag = "<!-- lab-run";

std::string summary_comment(const Summary& s) {
    const auto clean = [](const std::string& v) {  // one field: no tab, no line break, no "--"
        std::string out;
        for (const char c : v) {
            if (c == '-' && !out.empty() && out.back() == '-') continue;
            out += c == '\t' || c == '\n' ? ' ' : c;
        }
        return out;
    };
    return fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{} -->\n", kSummaryTag, clean(s.name), clean(s.verdict),
                       clean(s.date), clean(s.seconds), clean(s.figure), clean(s.order), clean(s.title));
}

bool read_summary(const std::string& page, Summary& s) {
    std::ifstream in(page);
    std::string line;
    for (int k = 0; k < 12 && std::getline(in, line); ++k) {
        if (line.rfind(kSummaryTag, 0) != 0) continue;
        std::vector<std::string> f;
        std::stringstream fields(line.substr(std::string(kSummaryTag).size() + 1));
        for (std::string v; std::getline(fields, v, '\t');) f.push_back(v);
        if (f.size() != 7) return false;
        if (f[6].size() >= 4 && f[6].substr(f[6].size() - 4) == " -->") f[6].resize(f[6].size() - 4);
        s = {f[0], f[1], f[2], f[3], f[4], f[6], f[5], ""};
        return true;
    }
    return false;
}

// out/index.html: every lecture whose page is in a folder beside this run's.
void write_overview(const std::string& out_root) {
    // One writer at a time (two lectures may end together); the lock goes with the process.
    const int fd = ::open((out_root + "/.index-lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) ::flock(fd, LOCK_EX);
    std::vector<Summary> runs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(out_root, ec)) {
        Summary s;
        if (entry.is_directory(ec) && read_summary((entry.path() / "index.html").string(), s)) {
            s.folder = entry.path().filename().string();  // out/<lecture>, or a folder given by --out
            runs.push_back(s);
        }
    }
    std::sort(runs.begin(), runs.end(), [](const Summary& a, const Summary& b) {
        return std::make_pair(std::atoi(a.order.c_str()), a.folder) <
               std::make_pair(std::atoi(b.order.c_str()), b.folder);
    });
    std::string page = fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>Lecture runs</title>\n<style>{}</style>\n</head>\n<body>\n<h1>Lecture runs</h1>\n"
        "<p class=\"meta\">Every lecture run into this folder, its last run: the verdict, when it ran and how long it "
        "took, and its first figure. Each links to its page.</p>\n<div class=\"cards\">\n",
        kStyle);
    for (const Summary& s : runs) {
        // Linked by its folder: a run given --out out/OTHER is in out/OTHER, not out/<lecture>.
        page += fmt::format("<div class=\"card\">\n<h2><a href=\"{0}/index.html\">{0}</a></h2>\n", html(s.folder));
        if (s.folder != s.name) page += fmt::format("<p class=\"meta\">a run of {}</p>\n", html(s.name));
        page += fmt::format("<p class=\"verdict {0}\" id=\"verdict-{1}\">{0}</p>\n", html(s.verdict), html(s.folder));
        page += fmt::format("<p class=\"meta\">{}<br>{} s</p>\n", html(s.date), html(s.seconds));
        if (!s.figure.empty())
            page += fmt::format(
                "<a href=\"{0}/index.html\"><img src=\"{0}/{1}\" alt=\"the first figure of {0}\" "
                "width=\"240\"></a>\n",
                html(s.folder), html(s.figure));
        page += fmt::format("<p>{}</p>\n</div>\n", html(s.title));
    }
    if (runs.empty()) page += "<p>No lecture has been run into this folder yet.</p>\n";
    page += "</div>\n</body>\n</html>\n";
    try {
        io::write_file_atomically(out_root + "/index.html", page);
    } catch (const std::exception& e) {
        fmt::print(stderr, "the list of runs {}/index.html was not written: {}\n", out_root, e.what());
    }
    if (fd >= 0) ::close(fd);
}

struct Ending {
    bool holds = false;
    std::string verdict_line, claim, error;
    std::vector<ClauseRow> clauses;
};

void write_page(const Ending& end) {
    Run& r = *the_run;
    if (r.written || r.out_dir.empty()) return;
    r.written = true;
    std::fflush(stdout);
    std::fflush(stderr);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - r.start).count();
    const std::string verdict = end.holds ? "HOLDS" : "FAILS";
    // A run into out/<folder> (out/<lecture>, the default) is listed in out/index.html, and its page
    // links to the list; a run elsewhere has no list beside it.
    const bool listed = folder_path(r.out_dir).parent_path().filename() == "out";
    const std::vector<std::string> source = read_lines(r.source_file);
    const Slides slides = read_slides();
    std::set<int> banner_lines;
    for (const Section& s : r.sections)
        if (s.line > 0) banner_lines.insert(s.line);
    const std::string source_name = "lectures/" + fs::path(r.source_file).filename().string();
    std::string first_figure;
    for (const Figure& f : r.figures)
        if (fs::path(f.saved.path).extension() == ".png" &&
            folder_path(fs::path(f.saved.path).parent_path().string(), true) == folder_path(r.out_dir, true)) {
            first_figure = fs::path(f.saved.path).filename().string();
            break;
        }
    // The lecture's number, from its source's name (05_incremental_stacking.cpp), orders the list.
    const std::string order = fs::path(r.source_file).filename().string().substr(0, 2);
    const std::string summary = end.error.empty() ? end.verdict_line : "stopped by an error: " + end.error;

    std::string page = "<!DOCTYPE html>\n" +
                       summary_comment({r.options.name, verdict, r.date, fmt::format("{:.1f}", seconds), first_figure,
                                        end.claim.empty() ? r.description : end.claim, order, ""}) +
                       "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    page += fmt::format("<title>{}: {} ({})</title>\n<style>{}</style>\n</head>\n<body>\n", html(r.options.name),
                        verdict, html(r.date), kStyle);
    if (listed) page += "<p class=\"meta\"><a href=\"../index.html\">all runs</a></p>\n";
    page += fmt::format("<h1>{}</h1>\n<p>{}</p>\n", html(r.options.name), html(r.description));
    page += fmt::format("<p class=\"verdict {}\" id=\"verdict\">VERDICT: {} &mdash; {}</p>\n", verdict, verdict,
                        html(end.error.empty() ? end.claim : summary));
    page += fmt::format(
        "<p class=\"meta\">{}<br>ran {}, took {:.1f} s<br>command: <code>{}</code><br>code: <code>{}</code></p>\n",
        html(trim(as_displayed(r.text.substr(0, r.text.find('\n'))))), html(r.date), seconds, html(r.command),
        html(source_name));
    // Contents.
    page += "<nav><h2>Sections</h2>\n<ol>\n";
    for (std::size_t k = 1; k < r.sections.size(); ++k)
        page += fmt::format("<li><a href=\"#section-{}\">{}</a></li>\n", k, html(r.sections[k].title));
    page += "<li><a href=\"#verdict-clauses\">The verdict</a></li>\n</ol>\n</nav>\n";
    // The sections.
    const std::size_t text_end = std::min(r.verdict_at, r.text.size());
    std::set<int> code_shown;
    for (std::size_t k = 0; k < r.sections.size(); ++k) {
        const Section& s = r.sections[k];
        const std::size_t from = std::min(s.start, text_end);
        const std::size_t to = k + 1 < r.sections.size() ? std::min(r.sections[k + 1].start, text_end) : text_end;
        std::string printed = as_displayed(r.text.substr(from, to - from));
        if (k == 0) {  // before the first banner: the run line is at the top already
            const std::size_t nl = printed.find('\n');
            printed = nl == std::string::npos ? "" : printed.substr(nl + 1);
        } else {  // the banner itself is the heading
            const std::size_t banner = printed.find("---- " + s.title + " ----");
            if (banner != std::string::npos) printed.erase(0, printed.find('\n', banner) + 1);
        }
        const bool has_figures =
            std::any_of(r.figures.begin(), r.figures.end(), [&](const Figure& f) { return f.section == k; });
        if (k == 0 && trim(printed).empty() && !has_figures) continue;
        page += k == 0 ? "<section id=\"section-0\">\n<h2>Setting up</h2>\n"
                       : fmt::format("<section id=\"section-{}\">\n<h2>{}</h2>\n", k, html(s.title));
        const std::vector<std::string> followed = k == 0 ? std::vector<std::string>{} : slides_of(s.title, slides);
        if (!followed.empty()) {
            page += "<div class=\"slides\">\n";
            for (const std::string& f : followed) page += "<p>" + html(f) + "</p>\n";
            page += "</div>\n";
        }
        if (!trim(printed).empty()) page += "<pre class=\"out\">" + html(trim(printed)) + "</pre>\n";
        for (const Figure& f : r.figures) {
            if (f.section != k) continue;
            const std::string src = relative_to(f.saved.path, r.out_dir);
            page += fmt::format(
                "<figure>\n<img src=\"{}\" alt=\"{}\">\n<figcaption><b>{}</b>{}{}</figcaption>\n</figure>\n", html(src),
                html(f.saved.title.empty() ? src : f.saved.title), html(src),
                f.saved.title.empty() ? "" : ": " + html(f.saved.title),
                f.saved.caption.empty() ? "" : ". " + html(f.saved.caption));
        }
        const auto [first, last] = code_range(source, s.line, banner_lines);
        if (first > 0) {
            if (code_shown.insert(s.line).second) {
                std::string code;
                for (int l = first; l <= last; ++l) code += fmt::format("{:4}  {}\n", l, source[l - 1]);
                page += fmt::format(
                    "<details id=\"code-{}\"><summary>the code: {}, lines {}-{}</summary>\n<pre "
                    "class=\"code\">{}</pre>\n"
                    "</details>\n",
                    s.line, html(source_name), first, last, html(code));
            } else {
                page +=
                    fmt::format("<p class=\"meta\"><a href=\"#code-{}\">the code: {}, lines {}-{}, as above</a></p>\n",
                                s.line, html(source_name), first, last);
            }
        }
        page += "</section>\n";
    }
    // The verdict.
    page += "<section id=\"verdict-clauses\">\n<h2>The verdict</h2>\n";
    if (!end.error.empty()) {
        page += "<p>The run stopped before its verdict:</p>\n<pre class=\"error\">" + html(end.error) + "</pre>\n";
    } else if (!end.clauses.empty()) {
        page += fmt::format(
            "<p>{}</p>\n<table>\n<tr><th></th><th>clause</th><th>measured</th><th>threshold</th>"
            "<th>what</th><th>where the threshold comes from</th></tr>\n",
            html(end.claim));
        for (const ClauseRow& c : end.clauses)
            page += fmt::format(
                "<tr><td class=\"{0}\">{0}</td><td>{1}</td><td>{2:.4g}</td><td>{3} {4:.4g}</td>"
                "<td>{5}</td><td>{6}</td></tr>\n",
                c.passed ? "PASS" : "FAIL", html(c.id), c.measured, html(c.op), c.threshold, html(c.what),
                html(c.basis));
        page += "</table>\n";
    }
    page += fmt::format("<p class=\"verdict {}\">{}</p>\n</section>\n</body>\n</html>\n", verdict,
                        html(end.error.empty() ? end.verdict_line : "VERDICT: FAILS (stopped by an error)"));
    const std::string path = r.out_dir + "/index.html";
    try {
        io::write_file_atomically(path, page);
    } catch (const std::exception& e) {
        fmt::print(stderr, "the run's page {} was not written: {}\n", path, e.what());
        return;
    }
    if (listed) write_overview(folder_path(r.out_dir).parent_path().string());
}

void at_exit() {
    if (the_run == nullptr || the_run->written) return;
    Ending end;
    std::fflush(stdout);
    std::fflush(stderr);
    // Its last line says why, as a rule (lecture::load_mnist's "needs at least N images").
    const std::string shown = trim(as_displayed(the_run->text));
    const std::size_t last = shown.rfind('\n');
    end.error = "the run ended without a verdict; the last line it printed: " +
                (last == std::string::npos ? shown : shown.substr(last + 1));
    write_page(end);
}

}  // namespace

void begin(const Options& options, const std::string& description, const std::string& source_file) {
    if (the_run != nullptr) return;
    std::fflush(stdout);
    std::fflush(stderr);
    the_run = new Run();
    Run& r = *the_run;
    r.options = options;
    r.description = description;
    const fs::path source(source_file);
    r.source_file = source.is_absolute() ? source.string()
                                         : std::string(LAB_SOURCE_DIR) + "/lectures/" + source.filename().string();
    r.start = std::chrono::steady_clock::now();
    r.date = now_text();
    r.sections.push_back({"", 0, 0});
    // The command, as a student would type it again.
    std::ifstream cmdline("/proc/self/cmdline");
    std::string arg;
    while (std::getline(cmdline, arg, '\0')) r.command += (r.command.empty() ? "" : " ") + arg;
    if (std::FILE* out = tee_stream(1)) stdout = out;
    if (std::FILE* err = tee_stream(2)) stderr = err;
    io::on_figure_saved([](const io::SavedFigure& f) {
        if (the_run != nullptr) the_run->figures.push_back({f, the_run->sections.size() - 1});
    });
    std::atexit(at_exit);
}

std::string started() { return the_run != nullptr ? the_run->date : ""; }

void folder_taken(const std::string& out_dir) {
    if (the_run != nullptr) the_run->out_dir = out_dir;
}

void section(const std::string& title, int line) {
    if (the_run == nullptr) return;
    std::fflush(stdout);
    the_run->sections.push_back({title, line, the_run->text.size()});
}

void verdict_starts() {
    if (the_run == nullptr) return;
    std::fflush(stdout);
    the_run->verdict_at = the_run->text.size();
}

void verdict(const std::string& claim, const std::vector<ClauseRow>& clauses, bool holds, const std::string& line) {
    if (the_run == nullptr) return;
    Ending end;
    end.holds = holds;
    end.claim = claim;
    end.clauses = clauses;
    end.verdict_line = line;
    write_page(end);
}

void error(const std::string& message) {
    if (the_run == nullptr) return;
    Ending end;
    end.error = message;
    write_page(end);
}

}  // namespace lecture::page

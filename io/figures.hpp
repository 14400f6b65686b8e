// figures.hpp: word of each figure this process saves, for whoever listens: the lectures' run
// pages (lectures/page.hpp) put each figure under the section that drew it, with its title and
// caption. Every saver of io (image.hpp, plot.hpp, dot.hpp) tells, after its file is written.
#pragma once

#include <functional>
#include <string>

namespace io {

struct SavedFigure {
    std::string path;     // as the saver was given it
    std::string title;    // what the figure shows (empty when it has no title)
    std::string caption;  // what its rows, columns or axes are (may be empty)
};

// The one listener (replacing any before it; an empty function stops listening). It runs on the
// thread that saved the figure.
void on_figure_saved(std::function<void(const SavedFigure&)> listener);

// Called by the savers once the file is complete.
void figure_saved(const SavedFigure& figure);

}  // namespace io

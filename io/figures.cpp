// figures.cpp: the listener of figures.hpp.
#include "io/figures.hpp"

#include <utility>

namespace io {

namespace {
std::function<void(const SavedFigure&)>& listener() {
    static std::function<void(const SavedFigure&)> l;
    return l;
}
}  // namespace

void on_figure_saved(std::function<void(const SavedFigure&)> l) { listener() = std::move(l); }

void figure_saved(const SavedFigure& figure) {
    if (listener()) listener()(figure);
}

}  // namespace io

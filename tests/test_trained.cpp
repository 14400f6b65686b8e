// lectures/trained.cpp: a lecture's trained models, kept between runs and reused only when
// checked. Each way a kept file can be wrong (another setting, other training code, a weight that
// is not finite, weights that no longer measure what they measured when trained) must lead to
// training again, say which, and leave the models, the record and the Generator as they were.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>

#include <unistd.h>

#include "check.hpp"
#include "io/npz.hpp"
#include "lectures/trained.hpp"
#include "nn/layers.hpp"
#include "temp_dir.hpp"

using namespace autograd;
namespace fs = std::filesystem;

namespace {

// What `f` prints on standard output (where Trained says what it does).
template <typename F>
std::string printed(F&& f) {
    std::fflush(stdout);
    TempDir dir;
    const std::string file = dir / "stdout";
    const int saved = ::dup(1);
    std::FILE* out = std::fopen(file.c_str(), "w");
    REQUIRE(out != nullptr);
    ::dup2(::fileno(out), 1);
    try {
        f();
    } catch (...) {
        std::fflush(stdout);
        ::dup2(saved, 1);
        ::close(saved);
        std::fclose(out);
        throw;
    }
    std::fflush(stdout);
    ::dup2(saved, 1);
    ::close(saved);
    std::fclose(out);
    return read_bytes(file);
}

// A lecture's source with its training between the markers, dated before this program was built
// (a source newer than its program is neither reused nor kept).
void write_source(const std::string& path, const std::string& training) {
    std::ofstream(path) << "int main() {\n    // [training begins]\n" << training << "\n    // [training ends]\n}\n";
    std::error_code error;
    const fs::file_time_type built = fs::last_write_time(fs::read_symlink("/proc/self/exe"), error);
    REQUIRE_FALSE(error);
    fs::last_write_time(path, built - std::chrono::hours(1));
}

struct Run {
    lecture::Options options;
    std::string source;
    Run(const TempDir& dir) {
        options.name = "test";
        options.seed = 7;
        options.quick = true;
        options.out_dir = dir / "out";
        source = dir / "lecture.cpp";
        write_source(source, "    train(model);");
    }
};

nn::Sequential small_model(Generator& gen) { return nn::Sequential(nn::Linear(4, 3, gen), nn::Linear(3, 2, gen)); }

double weight_sum(const nn::Module& m) {
    double total = 0.0;
    for (const Tensor& p : m.parameters()) total += xt::sum(p.value())();
    return total;
}

// "Trains" a model: moves every weight by a draw, and records a curve and a line.
void train(nn::Sequential& model, lecture::TrainingRecord& record, Generator& gen) {
    for (Tensor& p : model.parameters()) p.mutable_value() = p.value() + randn(p.shape(), gen).value();
    record.curve("loss") = {0.5, 0.25};
    record.line({1.0, 0.25});
}

// A run that trains and keeps its model; returns the model's weights and the Generator's state
// after training.
std::pair<std::vector<xt::xarray<float>>, std::array<std::uint64_t, 4>> train_and_keep(const Run& run) {
    Generator gen(run.options.seed);
    nn::Sequential model = small_model(gen);
    lecture::TrainingRecord record({"loss"}, 2);
    const lecture::Trained trained(run.options, run.options.out_dir, run.source.c_str(), "steps 2", gen, record);
    const std::vector<lecture::Measure> measures{{"weight sum", [&] { return weight_sum(model); }}};
    const std::string said = printed([&] { REQUIRE_FALSE(trained.load({{"m", &model}}, record, gen, measures)); });
    CHECK(said.find("training (no trained models at") != std::string::npos);
    train(model, record, gen);
    const std::string kept = printed([&] { trained.save({{"m", &model}}, record, gen, measures); });
    CHECK(kept.find("kept the trained models in " + trained.path() + " (measured: weight sum ") == 0);
    std::vector<xt::xarray<float>> weights;
    for (const Tensor& p : model.parameters()) weights.push_back(p.value());
    return {weights, gen.state()};
}

// A second run: a fresh model, record and Generator, loading what the first kept. Returns what it
// printed; `reused` says whether it loaded.
struct Second {
    Generator gen;
    nn::Sequential model;
    lecture::TrainingRecord record{{"loss"}, 2};
    std::vector<xt::xarray<float>> before;
    std::array<std::uint64_t, 4> gen_before;
    bool reused = false;
    std::string said;
    Second(const Run& run, const std::string& settings = "steps 2") : gen(run.options.seed), model(small_model(gen)) {
        for (const Tensor& p : model.parameters()) before.push_back(p.value());
        gen_before = gen.state();
        const lecture::Trained trained(run.options, run.options.out_dir, run.source.c_str(), settings, gen, record);
        const std::vector<lecture::Measure> measures{{"weight sum", [&] { return weight_sum(model); }}};
        said = printed([&] { reused = trained.load({{"m", &model}}, record, gen, measures); });
    }
    // It trained again, said `why`, and changed nothing.
    void check_refused(const std::string& why) const {
        CAPTURE(said);
        CHECK_FALSE(reused);
        CHECK(said.find(why) != std::string::npos);
        check_unchanged();
    }
    // Nothing was changed: the model's weights, the Generator, the record.
    void check_unchanged() const {
        for (std::size_t i = 0; i < before.size(); ++i) CHECK(model.parameters()[i].value() == before[i]);
        CHECK(gen.state() == gen_before);
        CHECK(record.lines().empty());
    }
};

// Rewrites one array of the kept file through `edit`.
template <typename F>
void edit_kept(const Run& run, const std::string& name, F&& edit) {
    const std::string path = run.options.out_dir + "/trained_seed7_quick.npz";
    auto arrays = io::load_npz(path);
    REQUIRE(arrays.count(name) == 1);
    edit(arrays.at(name));
    io::save_npz(path, arrays);
}

}  // namespace

TEST_CASE("a kept model that passes every check is reused: the same weights, record and Generator") {
    TempDir dir;
    const Run run(dir);
    const auto [weights, gen_after] = train_and_keep(run);
    Second second(run);
    CAPTURE(second.said);
    REQUIRE(second.reused);
    CHECK(second.said.find("reusing the models trained by an earlier run with these settings: ") == 0);
    CHECK(second.said.find("measured again: weight sum ") != std::string::npos);
    for (std::size_t i = 0; i < weights.size(); ++i) CHECK(second.model.parameters()[i].value() == weights[i]);
    CHECK(second.gen.state() == gen_after);
    CHECK(second.record.lines() == std::vector<std::vector<double>>{{1.0, 0.25}});
    CHECK(second.record.curve("loss") == std::vector<double>{0.5, 0.25});
    // What it was trained under, readable: one "name: value" line per setting, as character codes.
    const auto arrays = io::load_npz(run.options.out_dir + "/trained_seed7_quick.npz");
    std::string text;
    for (const float c : arrays.at("trained.settings")) text += static_cast<char>(c);
    CHECK(text.find("seed: 7\nmode: --quick\nlecture's settings: steps 2\n") == 0);
    CHECK(text.find("\nkernels: OpenBLAS ") != std::string::npos);
    CHECK(text.find("\ntraining code: 1 lines, fingerprint ") != std::string::npos);
}

TEST_CASE("a kept model whose weights are not finite is not reused; the tensor and the element are named") {
    TempDir dir;
    const Run run(dir);
    train_and_keep(run);
    for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
        CAPTURE(bad);
        edit_kept(run, "m.1.weight", [&](xt::xarray<float>& w) { w(2, 0) = bad; });
        Second second(run);
        second.check_refused("its weights are not finite: 'm.1.weight' holds ");
        CHECK(second.said.find("training again (cannot reuse ") == 0);
        CHECK(second.said.find(" at element 4 of 6") != std::string::npos);
    }
}

TEST_CASE("a kept model trained under other settings or other training code is not reused; the setting is named") {
    TempDir dir;
    const Run run(dir);
    train_and_keep(run);
    {
        Second(run, "steps 3")
            .check_refused(
                "was trained with other settings: lecture's settings 'steps 2' there, 'steps 3' in this run");
    }
    {
        Run edited = run;
        write_source(edited.source, "    train(model, 2);");
        Second(edited).check_refused("was trained with other settings: training code '");
    }
    {
        edit_kept(run, "trained.settings", [](xt::xarray<float>& text) { text(0) = 300.0f; });
        Second(run).check_refused("not a character code");
    }
}

TEST_CASE("a kept model that no longer measures what it measured when trained is not reused, and is put back") {
    // Finite weights, the right names and shapes and settings: only the measure sees the change.
    TempDir dir;
    const Run run(dir);
    train_and_keep(run);
    edit_kept(run, "m.0.bias", [](xt::xarray<float>& b) { b(1) += 0.5f; });
    // The weights were loaded to be measured, then put back: check_refused sees them as they were.
    Second(run).check_refused("its models do not measure what they measured when trained: weight sum ");
}

TEST_CASE("--retrain, a missing record and a damaged file train again and change nothing") {
    TempDir dir;
    Run run(dir);
    train_and_keep(run);
    {
        Run retrain = run;
        retrain.options.retrain = true;
        Second second(retrain);
        CHECK_FALSE(second.reused);
        CHECK(second.said.find("training (not reusing ") == 0);
        CHECK(second.said.find(": --retrain)") != std::string::npos);
    }
    {
        edit_kept(run, "record.lines", [](xt::xarray<float>& lines) { lines = xt::zeros<float>({12}); });  // 3 numbers
        Second(run).check_refused("the kept lines are not rows of 2 numbers");
    }
    {
        edit_kept(run, "record.lines", [](xt::xarray<float>& lines) { lines = xt::zeros<float>({3}); });
        Second(run).check_refused("3 pieces where 64-bit numbers are kept as pieces of 4");
    }
    {
        const std::string path = run.options.out_dir + "/trained_seed7_quick.npz";
        fs::resize_file(path, 100);
        Second(run).check_refused("not a valid .npz");
    }
}

TEST_CASE("a measure that draws from the lecture's Generator is the lecture's mistake: a std::logic_error") {
    TempDir dir;
    const Run run(dir);
    Generator gen(run.options.seed);
    nn::Sequential model = small_model(gen);
    lecture::TrainingRecord record({"loss"}, 2);
    const lecture::Trained trained(run.options, run.options.out_dir, run.source.c_str(), "steps 2", gen, record);
    const std::vector<lecture::Measure> drawing{{"noisy", [&] { return weight_sum(model) + gen.uniform(); }}};
    CHECK_THROWS_CONTAINING(printed([&] {
                                trained.save({{"m", &model}}, record, gen, drawing);
                            }),
                            "'noisy'", "drew from the lecture's Generator");
    // On a reload too, after which the model holds its own weights again.
    train_and_keep(run);
    const xt::xarray<float> before = model.parameters()[0].value();
    CHECK_THROWS_AS(printed([&] { trained.load({{"m", &model}}, record, gen, drawing); }), std::logic_error);
    CHECK(model.parameters()[0].value() == before);
}

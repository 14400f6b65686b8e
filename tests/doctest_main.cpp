// The one main() of the unit-test programs. Each folder's test files (test_ops_arith.cpp, ...)
// are compiled into one program (tests/meson.build), and each file is still a test of its own:
// meson runs the program once per file with `--source-file=*/test_ops_arith.cpp`, which keeps
// only that file's test cases. A filter that keeps none (a misspelt or renamed file) fails the
// run instead of passing with nothing checked.
#include <cstdio>

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

namespace {

// Remembers how many test cases passed the filters; the other events are not needed here.
struct CountSelected : doctest::IReporter {
    static inline unsigned selected = 0;

    explicit CountSelected(const doctest::ContextOptions& /*options*/) {}
    void test_run_end(const doctest::TestRunStats& stats) override { selected = stats.numTestCasesPassingFilters; }

    void report_query(const doctest::QueryData& /*data*/) override {}
    void test_run_start() override {}
    void test_case_start(const doctest::TestCaseData& /*data*/) override {}
    void test_case_reenter(const doctest::TestCaseData& /*data*/) override {}
    void test_case_end(const doctest::CurrentTestCaseStats& /*stats*/) override {}
    void test_case_exception(const doctest::TestCaseException& /*e*/) override {}
    void subcase_start(const doctest::SubcaseSignature& /*signature*/) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData& /*data*/) override {}
    void log_message(const doctest::MessageData& /*data*/) override {}
    void test_case_skipped(const doctest::TestCaseData& /*data*/) override {}
};
REGISTER_LISTENER("count_selected", 1, CountSelected);

}  // namespace

int main(int argc, char** argv) {
    doctest::Context context(argc, argv);
    const int failed = context.run();
    if (failed != 0 || context.shouldExit()) return failed;
    if (CountSelected::selected == 0) {
        std::fprintf(stderr, "no test case matched the filters given on the command line\n");
        return 1;
    }
    return 0;
}

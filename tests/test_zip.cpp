// io/zip.cpp: a stored archive read back member for member; a name twice and a cut archive refused.
#include <string>
#include <vector>

#include "check.hpp"
#include "io/zip.hpp"

TEST_CASE("unzip_stored gives back the members of zip_stored, in order, byte for byte") {
    const std::vector<io::ZipMember> members = {
        {"b.npy", "second"}, {"a.npy", std::string("\0\x01\xff", 3)}, {"empty", ""}};
    const std::string archive = io::zip_stored(members);
    CHECK(archive.compare(0, 4, "PK\x03\x04") == 0);  // a local header first
    CHECK(io::unzip_stored(archive, "x.npz") == members);
    CHECK(io::unzip_stored(io::zip_stored({}), "none.npz").empty());
    CHECK_THROWS_CONTAINING(io::unzip_stored(io::zip_stored({{"a", "1"}, {"a", "2"}}), "twice.npz"),
                            "twice.npz: member 'a' appears twice");
    CHECK_THROWS_CONTAINING(io::unzip_stored(archive.substr(0, archive.size() - 1), "cut.npz"), "cut.npz");
}

// io/zip.cpp: a stored archive read back member for member; a name twice, a cut archive, records
// that disagree and too many members refused.
#include <cstddef>
#include <cstdint>
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

namespace {
// Sets the little-endian field of `bytes` bytes at `offset` of `archive` to `value`.
void set_field(std::string& archive, std::size_t offset, int bytes, std::uint64_t value) {
    for (int i = 0; i < bytes; ++i) archive[offset + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}
std::uint64_t read_field(const std::string& archive, std::size_t offset, int bytes) {
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(archive[offset + i]);
    return v;
}
// Where the k-th central directory entry starts (k from 0).
std::size_t directory_entry(const std::string& archive, int k) {
    std::size_t at = archive.find("PK\x01\x02");
    for (int i = 0; i < k; ++i) at = archive.find("PK\x01\x02", at + 1);
    REQUIRE(at != std::string::npos);
    return at;
}
}  // namespace

TEST_CASE("records of the archive that disagree are refused, each naming the disagreement") {
    SUBCASE("the directory names a member otherwise than its local header does") {
        std::string archive = io::zip_stored({{"a.npy", "x"}});
        archive[archive.rfind("a.npy")] = 'b';  // the directory's copy of the name comes last
        CHECK_THROWS_CONTAINING(io::unzip_stored(archive, "r.npz"), "r.npz",
                                "member 'b.npy' is named 'a.npy' in its local header");
    }
    SUBCASE("two directory entries point at one member") {
        std::string archive = io::zip_stored({{"a.npy", "x"}, {"b.npy", "x"}});
        set_field(archive, directory_entry(archive, 1) + 42, 4, 0);  // b's local header offset: a's
        CHECK_THROWS_CONTAINING(io::unzip_stored(archive, "two.npz"), "two.npz", "members 'a.npy' and 'b.npy' overlap");
    }
    SUBCASE("a member's size runs into the directory") {
        std::string archive = io::zip_stored({{"a.npy", "x"}});
        const std::size_t entry = directory_entry(archive, 0);
        set_field(archive, entry + 20, 4, 2), set_field(archive, entry + 24, 4, 2);  // sizes 2, not 1
        CHECK_THROWS_CONTAINING(io::unzip_stored(archive, "into.npz"), "into.npz",
                                "member 'a.npy' runs into the zip directory");
    }
    SUBCASE("the end record counts 1 of the directory's 2 entries") {
        std::string archive = io::zip_stored({{"a.npy", "x"}, {"b.npy", "y"}});
        const std::size_t end = archive.size() - 22;
        set_field(archive, end + 8, 2, 1), set_field(archive, end + 10, 2, 1);  // on this disk, and in all
        CHECK_THROWS_CONTAINING(io::unzip_stored(archive, "one.npz"), "one.npz",
                                "end record counts 1 entry, but the directory holds more");
    }
    SUBCASE("a second end record hidden in the archive comment") {
        // The archive of a.npy, whose comment is a whole archive of evil.npy, moved to where it sits.
        std::string archive = io::zip_stored({{"a.npy", "good"}});
        std::string hidden = io::zip_stored({{"evil.npy", "smuggled"}});
        const std::size_t hidden_end = hidden.size() - 22, hidden_entry = directory_entry(hidden, 0);
        set_field(hidden, hidden_entry + 42, 4, read_field(hidden, hidden_entry + 42, 4) + archive.size());
        set_field(hidden, hidden_end + 16, 4, read_field(hidden, hidden_end + 16, 4) + archive.size());
        set_field(archive, archive.size() - 2, 2, hidden.size());  // the comment's length
        CHECK_THROWS_CONTAINING(io::unzip_stored(archive + hidden, "comment.npz"), "comment.npz",
                                "hidden in the archive comment");
        // A comment that is only a comment is read past.
        std::string commented = io::zip_stored({{"a.npy", "good"}});
        set_field(commented, commented.size() - 2, 2, 5);
        CHECK(io::unzip_stored(commented + "hello", "c.npz") == std::vector<io::ZipMember>{{"a.npy", "good"}});
    }
}

TEST_CASE("an archive of more members than an .npz read here may hold is refused by its end record") {
    std::vector<io::ZipMember> members;
    for (std::size_t k = 0; k < io::kMaxZipMembers; ++k) members.emplace_back(std::to_string(k), "");
    CHECK(io::unzip_stored(io::zip_stored(members), "most.npz").size() == io::kMaxZipMembers);
    members.emplace_back("one more", "");
    CHECK_THROWS_CONTAINING(io::unzip_stored(io::zip_stored(members), "many.npz"), "many.npz",
                            "1025 members, more than the 1024");
}

// LoadDirectory: a load into a new or empty directory is staged beside it and moved into place
// in one rename; into a database it writes in place; one load at a time; what a killed load left
// is cleared, what a failed one wrote is removed.
#include "engine/exchange/load_directory.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "unit/engine/test_database.h"

namespace claimgraph::exchange {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  REQUIRE(out.good());
}

TEST_CASE("a load into a new directory is staged beside it and moved into place") {
  TempDir dir;
  const fs::path target = fs::path(dir.path()) / "db";
  for (bool exists_empty : {false, true}) {
    CAPTURE(exists_empty);
    fs::remove_all(target);
    if (exists_empty) fs::create_directory(target);
    // A trailing separator names the same directory, not a staging directory inside it.
    auto directory = LoadDirectory::Prepare(target.string() + "/", true);
    REQUIRE(directory.ok());
    CHECK(directory->staged());
    CHECK(fs::path(directory->path()) == fs::path(dir.path()) / "db.bulk-load");
    WriteFile(fs::path(directory->path()) / "CURRENT", "loaded");
    // Until published, the target is as it was.
    CHECK(fs::exists(target) == exists_empty);
    REQUIRE(directory->Publish().ok());
    CHECK(!directory->staged());
    CHECK(fs::exists(target / "CURRENT"));
    CHECK(!fs::exists(fs::path(dir.path()) / "db.bulk-load"));
  }
}

TEST_CASE("a load into a directory that holds data writes in place") {
  TempDir dir;
  WriteFile(fs::path(dir.path()) / "CURRENT", "a database");
  auto directory = LoadDirectory::Prepare(dir.path(), true);
  REQUIRE(directory.ok());
  CHECK(!directory->staged());
  CHECK(directory->path() == dir.path());
  CHECK(directory->Publish().ok());
  CHECK(fs::exists(fs::path(dir.path()) / "CURRENT"));
}

TEST_CASE("one load at a time; a killed load's leftovers are cleared, a failed load's removed") {
  TempDir dir;
  const fs::path target = fs::path(dir.path()) / "db";
  const fs::path staging = fs::path(dir.path()) / "db.bulk-load";
  {
    auto first = LoadDirectory::Prepare(target.string(), true);
    REQUIRE(first.ok());
    auto second = LoadDirectory::Prepare(target.string(), true);
    CHECK(absl::IsFailedPrecondition(second.status()));
    CHECK(std::string(second.status().message()).find("another bulk load") != std::string::npos);
    WriteFile(staging / "000001.sst", "half a load");
  }
  // Not published: the staging directory is gone and the target was never made.
  CHECK(!fs::exists(staging));
  CHECK(!fs::exists(target));

  // A killed load leaves its staging directory unlocked: the next load starts it over.
  fs::create_directories(staging / "sub");
  WriteFile(staging / "000002.sst", "killed");
  auto next = LoadDirectory::Prepare(target.string(), true);
  REQUIRE(next.ok());
  CHECK(fs::is_empty(staging));

  auto missing = LoadDirectory::Prepare((fs::path(dir.path()) / "absent").string(), false);
  CHECK(absl::IsNotFound(missing.status()));
}

}  // namespace
}  // namespace claimgraph::exchange

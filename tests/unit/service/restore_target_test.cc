// Tests of CheckRestoreTarget and DefaultRestoreRoot on a temporary directory tree.
#include "service/restore_target.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

namespace claimgraph::service {
namespace {

namespace fs = std::filesystem;

struct Root {
  Root() {
    char pattern[] = "/tmp/claimgraph-restore-root-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~Root() { fs::remove_all(path); }
  std::string path;
};

}  // namespace

TEST_CASE("restore targets: inside the root, normalised, parent existing, absent or empty") {
  Root root;
  auto ok = CheckRestoreTarget(root.path, root.path + "/db.restored");
  REQUIRE(ok.ok());
  CHECK(*ok == fs::canonical(root.path).string() + "/db.restored");
  CHECK(CheckRestoreTarget(root.path, root.path + "/./a/../db/").status().code() ==
        absl::StatusCode::kInvalidArgument);  // ".." is refused even when it stays inside
  CHECK(*CheckRestoreTarget(root.path + "/", root.path + "//db/.") ==
        fs::canonical(root.path).string() + "/db");
  fs::create_directory(root.path + "/empty");
  CHECK(CheckRestoreTarget(root.path, root.path + "/empty").ok());
}

TEST_CASE("restore targets: every refusal is precise and names target_dir") {
  Root root;
  fs::create_directories(root.path + "/full/x");
  fs::create_symlink("/tmp", root.path + "/out");
  struct Case {
    std::string target;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {"", absl::StatusCode::kInvalidArgument},
      {"db", absl::StatusCode::kInvalidArgument},
      {"/" + std::string(kMaxRestorePathBytes, 'a'), absl::StatusCode::kInvalidArgument},
      {root.path + "/../elsewhere", absl::StatusCode::kInvalidArgument},
      {root.path, absl::StatusCode::kInvalidArgument},
      {root.path + "-sibling/db", absl::StatusCode::kInvalidArgument},
      {"/proc/self/db", absl::StatusCode::kInvalidArgument},
      {root.path + "/out/db", absl::StatusCode::kInvalidArgument},
      {root.path + "/missing/db", absl::StatusCode::kFailedPrecondition},
      {root.path + "/full", absl::StatusCode::kFailedPrecondition},
      {std::string("/a\0b", 4), absl::StatusCode::kInvalidArgument},
  };
  for (const auto& test : cases) {
    CAPTURE(test.target.substr(0, 80));
    auto status = CheckRestoreTarget(root.path, test.target).status();
    CHECK(status.code() == test.code);
    CHECK(status.message().size() < 300);
  }
  CHECK(CheckRestoreTarget(root.path + "/gone", root.path + "/gone/db").status().code() ==
        absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("the default restore root is the directory holding the backup directory") {
  CHECK(DefaultRestoreRoot("/var/lib/claimgraph/db.backups") == "/var/lib/claimgraph");
  CHECK(DefaultRestoreRoot("/var/lib/claimgraph/db.backups/") == "/var/lib/claimgraph");
  CHECK(DefaultRestoreRoot("relative/db.backups") == (fs::current_path() / "relative").string());
}

}  // namespace claimgraph::service

// A filling disk, on a small tmpfs (mounting needs privilege; where the machine does not allow
// it the test says so and checks nothing): below the free-space reserve writes and backups are
// refused with RESOURCE_EXHAUSTED and a clear message, reads keep working and /readyz says
// read-only; writes succeed again once space returns; a restart while the disk is full serves
// reads. A reserve too small for a memtable flush is refused at start.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

constexpr uint64_t kReserveMb = 128;

// Takes the volume's free space down to `leave` bytes with a preallocated file `name`.
bool FillLeaving(const std::string& dir, uint64_t leave, const std::string& name = "filler") {
  struct statvfs info;
  if (statvfs(dir.c_str(), &info) != 0) return false;
  uint64_t free_bytes = static_cast<uint64_t>(info.f_bavail) * info.f_frsize;
  if (free_bytes <= leave) return true;
  int fd = open((dir + "/" + name).c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd < 0) return false;
  bool ok = posix_fallocate(fd, 0, static_cast<off_t>(free_bytes - leave)) == 0;
  close(fd);
  return ok;
}

grpc::Status Create(client::ClaimGraphClient& c, const std::string& id) {
  v1::CreateEntityRequest request;
  request.mutable_entity()->set_id(id);
  request.mutable_entity()->set_type("person");
  request.mutable_entity()->set_name("Person " + id);
  v1::Entity response;
  return c.entities().CreateEntity(c.NewContext().get(), request, &response);
}

bool Readable(client::ClaimGraphClient& c, const std::string& id) {
  v1::GetEntityRequest get;
  get.set_id(id);
  v1::Entity entity;
  return c.entities().GetEntity(c.NewContext().get(), get, &entity).ok();
}

}  // namespace

TEST_CASE("disk full: read-only below the reserve, read-write when freed, restart while full serves reads") {
  std::string mount_point = MakeTempDir("claimgraph-full");
  if (mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=320m") != 0) {
    MESSAGE("cannot mount a tmpfs here (no privilege): disk-full behaviour not exercised");
    RemoveTree(mount_point);
    return;
  }
  {
    ServerProcess server({"--data-dir", mount_point + "/db", "--log-level", "warn", "--min-free-disk-mb",
                          std::to_string(kReserveMb), "--metrics-listen", "127.0.0.1:0"});
    std::string error;
    REQUIRE_MESSAGE(server.Start(&error), error);
    auto c = server.NewClient();
    for (int i = 0; i < 10; ++i) REQUIRE(Create(*c, "e" + std::to_string(i)).ok());
    CHECK(HttpGet(server.MetricsPort(), "/readyz").find("\r\n\r\nready") != std::string::npos);

    REQUIRE(FillLeaving(mount_point, (kReserveMb / 2) << 20));
    auto refused = Create(*c, "while-full");
    CHECK(refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK(refused.error_message().find("disk is nearly full") != std::string::npos);
    CHECK(Readable(*c, "e0"));
    std::string readiness = HttpGet(server.MetricsPort(), "/readyz");
    CHECK(readiness.find("HTTP/1.1 200") == 0);
    CHECK(readiness.find("read-only") != std::string::npos);
    v1::Backup backup;
    auto backed_up = c->admin().CreateBackup(c->NewContext().get(), v1::CreateBackupRequest(), &backup);
    CHECK(backed_up.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK(backed_up.error_message().find("backup refused") != std::string::npos);

    // Space returns: read-write again.
    REQUIRE(std::remove((mount_point + "/filler").c_str()) == 0);
    CHECK(Create(*c, "after-free").ok());
    CHECK(HttpGet(server.MetricsPort(), "/readyz").find("\r\n\r\nready") != std::string::npos);

    // A restart while the disk is full comes up read-only and serves what was written.
    // (The stopped server's preallocated WAL is given back, so the disk is topped up again.)
    REQUIRE(FillLeaving(mount_point, (kReserveMb / 2) << 20));
    CHECK(server.Stop() == 0);
    REQUIRE(FillLeaving(mount_point, (kReserveMb / 2) << 20, "filler-2"));
    REQUIRE_MESSAGE(server.Start(&error), error);
    c = server.NewClient();
    CHECK(Readable(*c, "e9"));
    CHECK(Readable(*c, "after-free"));
    CHECK(Create(*c, "full-again").error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK(HttpGet(server.MetricsPort(), "/readyz").find("read-only") != std::string::npos);
    CHECK(server.ReadLog().find("below its free-space reserve") != std::string::npos);
    REQUIRE(std::remove((mount_point + "/filler").c_str()) == 0);
    REQUIRE(std::remove((mount_point + "/filler-2").c_str()) == 0);
    CHECK(Create(*c, "full-again").ok());
    server.Stop();
  }
  umount2(mount_point.c_str(), MNT_DETACH);
  RemoveTree(mount_point);
}

TEST_CASE("a free-disk reserve smaller than a memtable flush is refused") {
  for (const char* mb : {"0", "2", "127"}) {
    auto result = RunProgram(CLAIMGRAPHD_PATH, {"--min-free-disk-mb", mb, "--help"});
    CHECK(result.exit_code != 0);
    CHECK(result.err.find("--min-free-disk-mb: at least 128") != std::string::npos);
  }
}

}  // namespace claimgraph::testing

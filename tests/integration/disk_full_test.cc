// A filling disk: writes are refused with RESOURCE_EXHAUSTED and a clear message before the
// free-space reserve is used up, reads keep working, and writes succeed again once space returns. Uses a small tmpfs, which needs the
// privilege to mount; where the machine does not allow it the test says so and checks nothing.
#include <doctest/doctest.h>
#include <sys/mount.h>

#include <chrono>
#include <thread>

#include "server_harness.h"

namespace claimgraph::testing {

TEST_CASE("disk full: writes refused clearly, reads served, writes recover when space returns") {
  std::string mount_point = MakeTempDir("claimgraph-full");
  if (mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=8m") != 0) {
    MESSAGE("cannot mount a tmpfs here (no privilege): disk-full behaviour not exercised");
    RemoveTree(mount_point);
    return;
  }
  {
    ServerProcess server({"--data-dir", mount_point + "/db", "--log-level", "warn", "--min-free-disk-mb", "2"});
    std::string error;
    REQUIRE_MESSAGE(server.Start(&error), error);
    auto c = server.NewClient();
    auto create = [&](int i) {
      v1::CreateEntityRequest request;
      request.mutable_entity()->set_id("e" + std::to_string(i));
      request.mutable_entity()->set_type("person");
      request.mutable_entity()->set_name("Person " + std::to_string(i));
      request.mutable_entity()->set_description(std::string(60000, static_cast<char>('a' + i % 26)));
      v1::Entity response;
      return c->entities().CreateEntity(c->NewContext().get(), request, &response);
    };
    int written = 0;
    grpc::Status failure;
    for (; written < 400; ++written) {
      failure = create(written);
      if (!failure.ok()) break;
    }
    REQUIRE_MESSAGE(written < 400, "the disk never filled");
    REQUIRE(written > 0);
    CHECK(failure.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK(failure.error_message().find("disk is nearly full") != std::string::npos);
    // Reads still work.
    v1::GetEntityRequest get;
    get.set_id("e0");
    v1::Entity entity;
    CHECK(c->entities().GetEntity(c->NewContext().get(), get, &entity).ok());
    // Space returns: writes go through again.
    REQUIRE(mount("tmpfs", mount_point.c_str(), "tmpfs", MS_REMOUNT, "size=64m") == 0);
    bool recovered = false;
    for (int attempt = 0; attempt < 50 && !recovered; ++attempt) {
      recovered = create(1000 + attempt).ok();
      if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    CHECK(recovered);
    CHECK(c->entities().GetEntity(c->NewContext().get(), get, &entity).ok());
    server.Stop();
  }
  umount2(mount_point.c_str(), MNT_DETACH);
  RemoveTree(mount_point);
}

}  // namespace claimgraph::testing

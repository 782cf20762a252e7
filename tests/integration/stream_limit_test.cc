// The per-stream rate limit (--max-stream-records-per-second): a stream that sends faster ends
// with RESOURCE_EXHAUSTED, what arrived before the refused message is applied, and a resumed
// stream (whose skipped records do not count) finishes the job.
#include <doctest/doctest.h>

#include "server_harness.h"

namespace claimgraph::testing {
namespace {

v1::ImportRequest EntityMessage(int from, int to) {
  v1::ImportRequest message;
  for (int i = from; i < to; ++i) {
    auto* entity = message.add_records()->mutable_entity();
    entity->set_id("limited-" + std::to_string(i));
    entity->set_type("person");
    entity->set_name("Person " + std::to_string(i));
  }
  return message;
}

bool EntityExists(const client::ClaimGraphClient& c, int index) {
  v1::GetEntityRequest request;
  request.set_id("limited-" + std::to_string(index));
  v1::Entity entity;
  return c.entities().GetEntity(c.NewContext().get(), request, &entity).ok();
}

}  // namespace

TEST_CASE("import streams faster than --max-stream-records-per-second are refused and resumable") {
  ServerProcess server({"--max-stream-records-per-second", "50"});
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient(30000);

  // 40 records fit the one-second burst; the next message of 100 cannot fit whatever the timing.
  {
    auto context = c->NewContext();
    v1::ImportSummary summary;
    auto stream = c->exchange().Import(context.get(), &summary);
    REQUIRE(stream->Write(EntityMessage(0, 40)));
    stream->Write(EntityMessage(40, 140));  // may fail once the server has ended the call
    stream->WritesDone();
    auto status = stream->Finish();
    REQUIRE(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK(status.error_message().find("50 records per second") != std::string::npos);
    // Parsed records are numbered by their position in the stream: the 41st is line 41.
    CHECK(status.error_message().find("resume from line 41") != std::string::npos);
  }
  CHECK(EntityExists(*c, 0));
  CHECK(EntityExists(*c, 39));
  CHECK_FALSE(EntityExists(*c, 40));
  CHECK_FALSE(EntityExists(*c, 139));

  // Resuming: the first 40 records are skipped unread and not counted, so 80 records in one
  // message cost 40 of the burst.
  {
    auto context = c->NewContext();
    v1::ImportSummary summary;
    auto stream = c->exchange().Import(context.get(), &summary);
    auto message = EntityMessage(0, 80);
    message.mutable_options()->set_resume_from(40);
    message.mutable_end()->set_records_sent(80);
    REQUIRE(stream->Write(message));
    stream->WritesDone();
    auto status = stream->Finish();
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    CHECK(summary.records_skipped() == 40);
    CHECK(summary.entities().created() == 40);
    CHECK(summary.next_index() == 80);
    CHECK(summary.next_line() == 81);
  }
  CHECK(EntityExists(*c, 79));
  CHECK_FALSE(EntityExists(*c, 80));
}

TEST_CASE("--max-stream-records-per-second takes a whole number") {
  auto result = RunProgram(CLAIMGRAPHD_PATH, {"--max-stream-records-per-second", "fast"});
  CHECK(result.exit_code != 0);
  CHECK(result.err.find("--max-stream-records-per-second") != std::string::npos);
}

}  // namespace claimgraph::testing

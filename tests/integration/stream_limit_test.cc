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

namespace claimgraph::testing {
namespace {

v1::ImportRequest LinesMessage(int from, int to) {
  v1::ImportRequest message;
  for (int i = from; i < to; ++i) {
    message.add_ndjson_lines("{\"entity\":{\"id\":\"cut-" + std::to_string(i) +
                             "\",\"type\":\"person\",\"name\":\"P\"}}");
  }
  return message;
}

}  // namespace

TEST_CASE("an import stream that ends without its end marker is refused with the resume line") {
  ServerProcess server;
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient(30000);
  {
    // Lines 1..50 arrive, then the stream ends as a cut or unparsable message would end it.
    auto context = c->NewContext();
    v1::ImportSummary summary;
    auto stream = c->exchange().Import(context.get(), &summary);
    REQUIRE(stream->Write(LinesMessage(0, 50)));
    stream->WritesDone();
    auto status = stream->Finish();
    REQUIRE(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().rfind("stream: ended without", 0) == 0);
    CHECK(status.error_message().find("resume from line 51") != std::string::npos);
  }
  {
    // The resumed stream sends the file from line 51 and ends with its marker.
    auto context = c->NewContext();
    v1::ImportSummary summary;
    auto stream = c->exchange().Import(context.get(), &summary);
    auto message = LinesMessage(50, 100);
    message.set_first_line(51);
    message.mutable_end()->set_records_sent(50);
    REQUIRE(stream->Write(message));
    stream->WritesDone();
    auto status = stream->Finish();
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    CHECK(summary.entities().created() == 50);
    CHECK(summary.next_line() == 101);
    CHECK(summary.lines_seen() == 50);
  }
  {
    // A wrong count is named.
    auto context = c->NewContext();
    v1::ImportSummary summary;
    auto stream = c->exchange().Import(context.get(), &summary);
    auto message = LinesMessage(0, 10);
    message.mutable_end()->set_records_sent(11);
    REQUIRE(stream->Write(message));
    stream->WritesDone();
    auto status = stream->Finish();
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().rfind("end.records_sent: ", 0) == 0);
  }
  for (int i : {0, 49, 50, 99}) {
    v1::GetEntityRequest request;
    request.set_id("cut-" + std::to_string(i));
    v1::Entity entity;
    CHECK(c->entities().GetEntity(c->NewContext().get(), request, &entity).ok());
  }
}

TEST_CASE("ImportWithProgress acknowledges batches and ends with the summary") {
  ServerProcess server;
  std::string error;
  REQUIRE_MESSAGE(server.Start(&error), error);
  auto c = server.NewClient(30000);
  auto context = c->NewContext();
  auto stream = c->exchange().ImportWithProgress(context.get());
  v1::ImportWithProgressRequest request;
  *request.mutable_request() = LinesMessage(0, 30);
  request.mutable_request()->mutable_options()->set_batch_size(10);
  request.mutable_request()->add_ndjson_lines("{broken");
  request.mutable_request()->mutable_end()->set_records_sent(31);
  REQUIRE(stream->Write(request));
  stream->WritesDone();
  v1::ImportProgress progress;
  int acknowledgements = 0, rejections = 0;
  int64_t last_line = 0;
  bool done = false;
  while (stream->Read(&progress)) {
    ++acknowledgements;
    rejections += progress.summary().rejections_size();
    CHECK(progress.summary().next_line() >= last_line);
    last_line = progress.summary().next_line();
    done = progress.done();
  }
  auto status = stream->Finish();
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(done);
  CHECK(acknowledgements == 4);  // three batches of ten, then the final summary
  CHECK(rejections == 1);        // each rejection is sent once
  CHECK(last_line == 32);
  CHECK(progress.summary().entities().created() == 30);
}

}  // namespace claimgraph::testing
